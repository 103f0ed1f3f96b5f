package memory_test

import (
	"testing"

	"github.com/yolkauth/yolk/store"
	"github.com/yolkauth/yolk/store/memory"
	"github.com/yolkauth/yolk/store/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := memory.New()
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	})
}
