package memory

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

func TestTxStoreUnusableAfterInTx(t *testing.T) {
	ctx := t.Context()
	s := New()
	var leaked store.Store
	if err := s.InTx(ctx, func(tx store.Store) error {
		leaked = tx
		return nil
	}); err != nil {
		t.Fatalf("InTx: %v", err)
	}
	if _, err := leaked.GetEnvironment(ctx, "x"); !errors.Is(err, errTxDone) {
		t.Fatalf("read through an ended transaction: err = %v, want errTxDone", err)
	}
	err := leaked.CreateEnvironment(ctx, &store.Environment{ID: "e", ClientID: "c"})
	if !errors.Is(err, errTxDone) {
		t.Fatalf("write through an ended transaction: err = %v, want errTxDone", err)
	}
	if _, err := s.GetEnvironment(ctx, "e"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("write through an ended transaction reached the store: err = %v", err)
	}
}

func TestCanceledContext(t *testing.T) {
	s := New()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.GetEnvironment(ctx, "e"); !errors.Is(err, context.Canceled) {
		t.Errorf("read: err = %v, want context.Canceled", err)
	}
	if err := s.CreateEnvironment(ctx, &store.Environment{ID: "e", ClientID: "c"}); !errors.Is(err, context.Canceled) {
		t.Errorf("write: err = %v, want context.Canceled", err)
	}
	ran := false
	if err := s.InTx(ctx, func(store.Store) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("InTx: err = %v, fn ran = %v; want context.Canceled without running fn", err, ran)
	}

	// A context canceled while fn runs discards its writes.
	ctx, cancel = context.WithCancel(t.Context())
	err := s.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateEnvironment(ctx, &store.Environment{ID: "e", ClientID: "c"}); err != nil {
			return err
		}
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("InTx canceled during fn: err = %v, want context.Canceled", err)
	}
	if _, err := s.GetEnvironment(t.Context(), "e"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("write of a canceled transaction was committed: err = %v", err)
	}
}

func TestTimesNormalised(t *testing.T) {
	ctx := t.Context()
	s := New()
	zone := time.FixedZone("X", -7*3600)
	in := time.Date(2024, 1, 2, 3, 4, 5, 123456789, zone)
	want := time.Date(2024, 1, 2, 10, 4, 5, 123456000, time.UTC)
	if err := s.CreateEnvironment(ctx, &store.Environment{ID: "e", ClientID: "c", CreatedAt: in}); err != nil {
		t.Fatal(err)
	}
	e, err := s.GetEnvironment(ctx, "e")
	if err != nil {
		t.Fatal(err)
	}
	// reflect.DeepEqual, not Equal: the location must be exactly UTC and
	// the nanoseconds below the microsecond gone.
	if !reflect.DeepEqual(e.CreatedAt, want) {
		t.Fatalf("CreatedAt = %v, want %v", e.CreatedAt, want)
	}
	if !reflect.DeepEqual(e.UpdatedAt, time.Time{}) {
		t.Fatalf("zero UpdatedAt came back as %v", e.UpdatedAt)
	}
}
