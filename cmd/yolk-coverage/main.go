// Command yolk-coverage prints how many operations of the identity and
// accounts API specifications the route table mounts, by group and tag. It
// fails when a route is neither a spec operation nor a documented extra,
// or claims an operation of another method, path or API.
//
//	go run ./cmd/yolk-coverage
package main

import (
	"fmt"
	"os"

	"github.com/yolkauth/yolk/httpmw"
)

func main() {
	c := httpmw.TableCoverage()
	fmt.Print(c.String())
	if len(c.Unknown)+len(c.Misplaced) > 0 {
		fmt.Fprintf(os.Stderr, "%d routes are not in the spec, %d are misplaced\n", len(c.Unknown), len(c.Misplaced))
		os.Exit(1)
	}
}
