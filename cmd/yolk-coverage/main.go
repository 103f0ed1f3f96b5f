// Command yolk-coverage prints how many operations of the identity and
// accounts API specifications the route table mounts, by group and tag.
//
//	go run ./cmd/yolk-coverage
package main

import (
	"fmt"
	"os"

	"github.com/yolkauth/yolk/httpmw"
	"github.com/yolkauth/yolk/identity"
	"github.com/yolkauth/yolk/store/memory"
)

func main() {
	id, err := identity.New(memory.New())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c := httpmw.New(id).Coverage()
	fmt.Print(c.String())
	if len(c.Unknown)+len(c.Misplaced) > 0 {
		fmt.Fprintf(os.Stderr, "%d routes are not in the spec, %d are misplaced\n", len(c.Unknown), len(c.Misplaced))
		os.Exit(1)
	}
}
