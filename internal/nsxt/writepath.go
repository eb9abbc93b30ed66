package nsxt

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/netsession/terraform-provider-nsx/internal/session"
)

// Objects written at a second path where the first refuses the method (Object.WriteFallback).

// UnwritableError: the manager refused writing the object at every path there is for it.
type UnwritableError struct {
	Object *Object
	// Answers are each path's refusal, "PUT /path: answer".
	Answers []string
	// Manual is how to set it by hand instead.
	Manual string
}

func (e *UnwritableError) Error() string {
	return fmt.Sprintf("NSX refused writing the %s at every path documented for it (%s); %s", e.Object.Name, strings.Join(e.Answers, "; "), e.Manual)
}

// methodRefused reports whether err is the manager refusing the write method at the path
// (not the body): 405, or a 400 whose message says the method is not supported or allowed.
func methodRefused(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	msg := strings.ToLower(e.Message)
	return e.Status == http.StatusMethodNotAllowed ||
		e.Status == http.StatusBadRequest && strings.Contains(msg, "method") && (strings.Contains(msg, "not supported") || strings.Contains(msg, "not allowed"))
}

// writePaths are, by session client and object, the write path that took a write (see
// Object.WriteFallback) or the refusal of every path: kept for the process, as the session
// clients are, so that a refused path is not tried again.
var writePaths sync.Map

type writeKey struct {
	s   *session.Client
	obj *Object
}

type writeOutcome struct {
	path    string
	refused *UnwritableError
}

// WritePath is where obj is written from now on: its Path, or the fallback once that took a
// write in this process ("" once every path refused one).
func (c *Client) WritePath(obj *Object) string {
	if o, ok := writePaths.Load(writeKey{c.s, obj}); ok {
		return o.(writeOutcome).path //nolint:forcetypeassert // only writeOutcome is stored
	}
	return obj.Path
}

// put sends the write of obj to where it is written (see Object.WriteFallback).
func (c *Client) put(ctx context.Context, obj *Object, node string, body []byte) (*session.Response, error) {
	send := func(path string) (*session.Response, error) {
		return c.send(ctx, obj, node, &session.Request{Method: obj.WriteMethod(), Path: path, Body: body,
			Header: http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}})
	}
	key := writeKey{c.s, obj}
	path := obj.Path
	if o, ok := writePaths.Load(key); ok {
		if o := o.(writeOutcome); o.refused != nil { //nolint:forcetypeassert // only writeOutcome is stored
			return nil, o.refused // said already in this process: not sent again
		} else {
			path = o.path
		}
	}
	resp, err := send(path)
	if !methodRefused(err) || obj.WriteFallback == "" {
		return resp, err
	}
	other := obj.WriteFallback
	if path == other {
		other = obj.Path
	}
	answers := []string{obj.WriteMethod() + " " + path + ": " + err.Error()}
	tflog.Info(ctx, "the manager refused the write method at the object's path; trying the other path documented", map[string]any{
		"object": obj.Name, "refused": path, "next": other,
	})
	resp, err = send(other)
	if methodRefused(err) {
		refused := &UnwritableError{Object: obj, Answers: append(answers, obj.WriteMethod()+" "+other+": "+err.Error()), Manual: obj.manual()}
		writePaths.Store(key, writeOutcome{refused: refused})
		return nil, refused
	}
	if err == nil {
		writePaths.Store(key, writeOutcome{path: other})
	}
	return resp, err
}

// manual is how to set obj by hand where the API takes no write of it.
func (o *Object) manual() string {
	if o == LoginBanner {
		return "set it in the NSX Manager UI instead (System > Settings > General Settings > User Interface, Login Consent Settings), as the STIG's fix text does"
	}
	return "set it by hand instead"
}
