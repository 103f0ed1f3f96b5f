package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/yolkauth/yolk/store"
)

// MaxBulkInviteUsers is the most users one bulk invitation may hold.
const MaxBulkInviteUsers = 1000

// Bulk task kinds and states.
const (
	taskKindBulkInvite = "bulk-invite"

	// TaskInProgress is the status of a task still running.
	TaskInProgress = "IN_PROGRESS"
	// TaskCompleted is the status of a finished task; its results say how
	// each item fared.
	TaskCompleted = "COMPLETED"

	// BulkItemSucceeded and BulkItemFailed are the statuses of one item of
	// a bulk task.
	BulkItemSucceeded = "SUCCESS"
	BulkItemFailed    = "FAILED"
)

// BulkInviteInput is a bulk invitation (UsersBulkInviteRequestDto).
type BulkInviteInput struct {
	Users []BulkInviteUser `json:"users"`
}

// BulkInviteUser is one user of a bulk invitation
// (UserBulkInviteRequestDto): an invitation, optionally of a user whose
// e-mail the vendor has already verified.
type BulkInviteUser struct {
	InviteUserInput
	Verified bool `json:"verified"`
}

// BulkInviteResult is the outcome for one user of a bulk invitation, in
// the order of the request.
type BulkInviteResult struct {
	Index    int    `json:"index"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
	Status   string `json:"status"`
	UserID   string `json:"userId,omitempty"`
	Error    string `json:"error,omitempty"`
}

// BulkTask is a bulk invitation task as the API reports it (TaskContext):
// its status, counts and per-user results.
type BulkTask struct {
	ID        string             `json:"id"`
	TenantID  string             `json:"tenantId"`
	Status    string             `json:"status"`
	Total     int                `json:"total"`
	Succeeded int                `json:"succeeded"`
	Failed    int                `json:"failed"`
	Results   []BulkInviteResult `json:"results"`
	CreatedAt time.Time          `json:"createdAt"`
	UpdatedAt time.Time          `json:"updatedAt"`
}

// bulkTaskData is the stored Data of a bulk invitation task.
type bulkTaskData struct {
	Total     int                `json:"total"`
	Succeeded int                `json:"succeeded"`
	Failed    int                `json:"failed"`
	Results   []BulkInviteResult `json:"results"`
}

// BulkInviteUsers invites up to MaxBulkInviteUsers users to tenantID, each
// as InviteUser would (users of other tenants join with their properties
// unchanged; users with Verified set are created verified). Each user
// succeeds or fails on its own. The work is recorded as a task: the answer
// is the finished task, whose status GetBulkInviteStatus returns later. A
// caller that goes away does not stop the task.
func (id *Identity) BulkInviteUsers(ctx context.Context, tenantID string, in BulkInviteInput) (*BulkTask, error) {
	if tenantID == "" {
		return nil, invalid("frontegg-tenant-id", "the frontegg-tenant-id header is required")
	}
	if len(in.Users) == 0 {
		return nil, invalid("users", "users must list at least one user")
	}
	if len(in.Users) > MaxBulkInviteUsers {
		return nil, invalid("users", "users may list at most %d users", MaxBulkInviteUsers)
	}
	if _, err := id.store.GetTenant(ctx, id.envID, tenantID); err != nil {
		return nil, storeErr(err, "tenant "+tenantID)
	}
	// The task runs to the end even if the caller goes away, so that its
	// record never stays in progress.
	ctx = context.WithoutCancel(ctx)
	now := id.now()
	data := bulkTaskData{Total: len(in.Users), Results: make([]BulkInviteResult, 0, len(in.Users))}
	task := &store.Task{ID: id.newID(), EnvID: id.envID, TenantID: tenantID, Kind: taskKindBulkInvite,
		Status: TaskInProgress, CreatedAt: now, UpdatedAt: now}
	if err := saveTaskData(ctx, id, task, data, true); err != nil {
		return nil, err
	}
	for i, u := range in.Users {
		r := BulkInviteResult{Index: i, Email: u.Email, Username: u.Username, Status: BulkItemSucceeded}
		invited, err := id.inviteUser(ctx, tenantID, u.InviteUserInput, u.Verified)
		switch {
		case err == nil:
			r.UserID, r.Email = invited.ID, invited.Email
			data.Succeeded++
		default:
			r.Status = BulkItemFailed
			r.Error = id.itemError(ctx, err, "bulk invitation of one user failed", "taskId", task.ID, "index", i)
			data.Failed++
		}
		data.Results = append(data.Results, r)
	}
	task.Status, task.UpdatedAt = TaskCompleted, id.now()
	if err := saveTaskData(ctx, id, task, data, false); err != nil {
		return nil, err
	}
	return bulkTaskView(task, data), nil
}

// saveTaskData stores data as the task's JSON state, creating the task or
// updating it. Every bulk operation (invitations, role updates, account
// migrations) keeps its progress this way.
func saveTaskData[T any](ctx context.Context, id *Identity, t *store.Task, data T, create bool) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("identity: encoding task: %w", err)
	}
	t.Data = string(b)
	if create {
		return id.store.CreateTask(ctx, t)
	}
	return id.store.UpdateTask(ctx, t)
}

func bulkTaskView(t *store.Task, d bulkTaskData) *BulkTask {
	return &BulkTask{ID: t.ID, TenantID: t.TenantID, Status: t.Status, Total: d.Total, Succeeded: d.Succeeded,
		Failed: d.Failed, Results: d.Results, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// GetBulkInviteStatus returns the bulk invitation task taskID.
func (id *Identity) GetBulkInviteStatus(ctx context.Context, taskID string) (*BulkTask, error) {
	t, err := id.store.GetTask(ctx, id.envID, taskID)
	if err == nil && t.Kind != taskKindBulkInvite {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, storeErr(err, "bulk invitation task "+taskID)
	}
	var d bulkTaskData
	if err := json.Unmarshal([]byte(t.Data), &d); err != nil {
		return nil, fmt.Errorf("identity: task %s is corrupt: %w", t.ID, err)
	}
	if d.Results == nil {
		d.Results = []BulkInviteResult{}
	}
	return bulkTaskView(t, d), nil
}

// itemError is what one failed item of a bulk operation tells the caller:
// the message of an identity error, or "internal error" for anything else,
// which is logged with attrs (never the item's secrets).
func (id *Identity) itemError(ctx context.Context, err error, logMsg string, attrs ...any) string {
	var ie *Error
	if errors.As(err, &ie) {
		return ie.Error()
	}
	id.log.ErrorContext(ctx, logMsg, append(attrs, "error", err)...)
	return "internal error"
}
