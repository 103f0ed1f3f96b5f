package storetest

import (
	"testing"
	"time"

	"github.com/yolkauth/yolk/store"
)

// newTask returns an unsaved task of envID.
func (f *fx) newTask(envID string) *store.Task {
	id := next("task")
	now := f.now()
	return &store.Task{
		ID:        id,
		EnvID:     envID,
		TenantID:  "tenant-of-" + id,
		Kind:      "bulk-invite",
		Status:    "IN_PROGRESS",
		Data:      `{"total":2,"results":[]}`,
		CreatedAt: now,
		UpdatedAt: now.Add(time.Millisecond),
	}
}

var taskTests = []test{
	{"RoundTrip", func(t *testing.T, f *fx) {
		e := f.env()
		task := f.newTask(e.ID)
		task.CreatedAt = at(5*time.Second + 505050*time.Microsecond)
		task.UpdatedAt = at(6*time.Second + 606060*time.Microsecond)
		allSet(t, task)
		must(t, "CreateTask", f.s.CreateTask(f.ctx, task))
		got, err := f.s.GetTask(f.ctx, e.ID, task.ID)
		must(t, "GetTask", err)
		equal(t, "GetTask", got, task)

		// An environment-wide task has no tenant.
		bare := f.newTask(e.ID)
		bare.TenantID = ""
		must(t, "CreateTask(no tenant)", f.s.CreateTask(f.ctx, bare))
		got, err = f.s.GetTask(f.ctx, e.ID, bare.ID)
		must(t, "GetTask(no tenant)", err)
		equal(t, "GetTask(no tenant)", got, bare)
	}},
	{"Update", func(t *testing.T, f *fx) {
		e := f.env()
		task, other := f.newTask(e.ID), f.newTask(e.ID)
		must(t, "CreateTask", f.s.CreateTask(f.ctx, task))
		must(t, "CreateTask(other)", f.s.CreateTask(f.ctx, other))
		changed := clone(task)
		changed.Status = "COMPLETED"
		changed.Data = `{"total":2,"results":[{"email":"a@example.com","status":"SUCCESS"}]}`
		changed.UpdatedAt = at(time.Hour + 777*time.Microsecond)
		must(t, "UpdateTask", f.s.UpdateTask(f.ctx, changed))
		got, err := f.s.GetTask(f.ctx, e.ID, task.ID)
		must(t, "GetTask", err)
		equal(t, "after UpdateTask", got, changed)
		got, err = f.s.GetTask(f.ctx, e.ID, other.ID)
		must(t, "GetTask(other)", err)
		equal(t, "task not updated", got, other)
	}},
	{"NotFoundAndConflict", func(t *testing.T, f *fx) {
		e, otherEnv := f.env(), f.env()
		task := f.newTask(e.ID)
		must(t, "CreateTask", f.s.CreateTask(f.ctx, task))
		_, err := f.s.GetTask(f.ctx, e.ID, "missing")
		wantErr(t, "GetTask(missing)", err, store.ErrNotFound)
		_, err = f.s.GetTask(f.ctx, otherEnv.ID, task.ID)
		wantErr(t, "GetTask(other environment)", err, store.ErrNotFound)
		missing := f.newTask(e.ID)
		wantErr(t, "UpdateTask(missing)", f.s.UpdateTask(f.ctx, missing), store.ErrNotFound)
		foreign := clone(task)
		foreign.EnvID = otherEnv.ID
		foreign.Status = "COMPLETED"
		wantErr(t, "UpdateTask(other environment)", f.s.UpdateTask(f.ctx, foreign), store.ErrNotFound)
		sameID := f.newTask(e.ID)
		sameID.ID = task.ID
		wantErr(t, "CreateTask(same id)", f.s.CreateTask(f.ctx, sameID), store.ErrConflict)
		got, err := f.s.GetTask(f.ctx, e.ID, task.ID)
		must(t, "GetTask", err)
		equal(t, "task after rejected writes", got, task)
	}},
	{"Copies", func(t *testing.T, f *fx) {
		e := f.env()
		task := f.newTask(e.ID)
		id := task.ID
		checkCopies(t, "Task", task,
			func(x *store.Task) error { return f.s.CreateTask(f.ctx, x) },
			func() (*store.Task, error) { return f.s.GetTask(f.ctx, e.ID, id) })
	}},
	{"InTxRollback", func(t *testing.T, f *fx) {
		e := f.env()
		task := f.newTask(e.ID)
		err := f.s.InTx(f.ctx, func(tx store.Store) error {
			must(t, "CreateTask in tx", tx.CreateTask(f.ctx, task))
			if _, err := tx.GetTask(f.ctx, e.ID, task.ID); err != nil {
				t.Fatalf("GetTask inside the transaction: %v", err)
			}
			return errRollback
		})
		wantErr(t, "InTx", err, errRollback)
		_, err = f.s.GetTask(f.ctx, e.ID, task.ID)
		wantErr(t, "GetTask(rolled back)", err, store.ErrNotFound)
	}},
}
