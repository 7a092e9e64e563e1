// A stand-in for AWS's Lambda Runtime Interface Emulator, for machines that cannot install the
// real one (this project's CI reaches the Go module proxy, but the proxy refuses that module).
// It is NOT AWS's emulator. It speaks the same two interfaces, so layerforge drives it the same
// way: the invoke endpoint on :8080 (POST /2015-03-31/functions/function/invocations) and the
// Lambda Runtime API on 127.0.0.1:9001 for the runtime it starts. It prints the same START, END
// and REPORT lines. Only the Go standard library: it builds offline with CGO_ENABLED=0.
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const runtimeAPIAddress = "127.0.0.1:9001"

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan result
}

type result struct {
	body        []byte
	functionErr bool
	errorType   string
}

type emulator struct {
	command  []string
	timeout  time.Duration
	mu       sync.Mutex // one invoke at a time, as in one Lambda execution environment
	pending  chan *invocation
	current  *invocation
	curMu    sync.Mutex
	process  *exec.Cmd
	exited   chan error
	initDone chan error
}

func logf(level, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s [%s] (rie-stand-in) %s\n", time.Now().UTC().Format("02 Jan 2006 15:04:05,000"), level, fmt.Sprintf(format, args...))
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func getenv(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// startRuntime starts the bootstrap with Lambda's variables and waits until it asks for its first
// event (the end of Lambda's Init phase), reports an init error, or exits.
func (e *emulator) startRuntime() error {
	cmd := exec.Command(e.command[0], e.command[1:]...)
	cmd.Dir = getenv("LAMBDA_TASK_ROOT", "/var/task")
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	env := []string{
		"AWS_LAMBDA_FUNCTION_NAME=test_function",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=3008",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/Functions",
		"AWS_LAMBDA_LOG_STREAM_NAME=$LATEST",
	}
	env = append(env, os.Environ()...)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+runtimeAPIAddress)
	e.initDone = make(chan error, 1)
	e.exited = make(chan error, 1)
	logf("INFO", "exec '%s' (cwd=%s)", strings.Join(e.command, " "), cmd.Dir)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start %s: %w", e.command[0], err)
	}
	e.process = cmd
	go func() { e.exited <- cmd.Wait() }()
	select {
	case err := <-e.initDone:
		return err
	case err := <-e.exited:
		e.process = nil
		return fmt.Errorf("Runtime exited with error: %v", err)
	case <-time.After(e.timeout):
		e.kill()
		return fmt.Errorf("init timed out after %.2f seconds", e.timeout.Seconds())
	}
}

func (e *emulator) kill() {
	if e.process != nil && e.process.Process != nil {
		_ = e.process.Process.Kill()
		<-e.exited
	}
	e.process = nil
}

// maxMemoryMB is the runtime process's peak resident set (VmHWM), which the real emulator does not measure.
func (e *emulator) maxMemoryMB() string {
	if e.process == nil || e.process.Process == nil {
		return "0"
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.process.Process.Pid))
	if err != nil {
		return "0"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return strconv.Itoa((kb + 1023) / 1024)
		}
	}
	return "0"
}

func errorBody(errorType, message string) []byte {
	b, _ := json.Marshal(map[string]any{"errorType": errorType, "errorMessage": message, "stackTrace": []string{}})
	return b
}

func (e *emulator) invoke(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	payload, _ := io.ReadAll(r.Body)
	initDuration := ""
	if e.process == nil {
		start := time.Now()
		if err := e.startRuntime(); err != nil {
			logf("ERROR", "init failed: %v", err)
			id := requestID()
			fmt.Printf("START RequestId: %s Version: $LATEST\nEND RequestId: %s\n", id, id)
			fmt.Printf("REPORT RequestId: %s\tInit Duration: %.2f ms\tDuration: 0.00 ms\tBilled Duration: 0 ms\tMemory Size: 3008 MB\tMax Memory Used: 0 MB\t\n", id, float64(time.Since(start).Microseconds())/1000)
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			_, _ = w.Write(errorBody("Runtime.ExitError", err.Error()))
			return
		}
		initDuration = fmt.Sprintf("Init Duration: %.2f ms\t", float64(time.Since(start).Microseconds())/1000)
	}
	inv := &invocation{id: requestID(), payload: payload, deadline: time.Now().Add(e.timeout), done: make(chan result, 1)}
	fmt.Printf("START RequestId: %s Version: $LATEST\n", inv.id)
	start := time.Now()
	e.pending <- inv
	var res result
	select {
	case res = <-inv.done:
	case err := <-e.exited:
		e.process = nil
		res = result{body: errorBody("Runtime.ExitError", fmt.Sprintf("RequestId: %s Error: Runtime exited with error: %v", inv.id, err)), functionErr: true}
	case <-time.After(e.timeout):
		e.kill()
		res = result{body: []byte(fmt.Sprintf("Task timed out after %.2f seconds", e.timeout.Seconds())), functionErr: true}
	}
	// A runtime that never took the event leaves it queued: drop it so the next invoke starts clean.
	select {
	case <-e.pending:
	default:
	}
	e.curMu.Lock()
	e.current = nil
	e.curMu.Unlock()
	ms := float64(time.Since(start).Microseconds()) / 1000
	fmt.Printf("END RequestId: %s\n", inv.id)
	fmt.Printf("REPORT RequestId: %s\t%sDuration: %.2f ms\tBilled Duration: %.0f ms\tMemory Size: 3008 MB\tMax Memory Used: %s MB\t\n", inv.id, initDuration, ms, float64(int(ms)+1), e.maxMemoryMB())
	if res.functionErr {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	_, _ = w.Write(res.body)
}

// The Runtime API, as the runtime interface clients and custom bootstraps call it.
func (e *emulator) runtimeAPI() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case e.initDone <- nil:
		default:
		}
		inv := <-e.pending
		e.curMu.Lock()
		e.current = inv
		e.curMu.Unlock()
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:012345678912:function:test_function")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		_, _ = w.Write(inv.payload)
	})
	mux.HandleFunc("/2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case e.initDone <- fmt.Errorf("init error (%s): %s", r.Header.Get("Lambda-Runtime-Function-Error-Type"), body):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"status":"OK"}`))
	})
	mux.HandleFunc("/2018-06-01/runtime/invocation/", func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/2018-06-01/runtime/invocation/"), "/")
		body, _ := io.ReadAll(r.Body)
		e.curMu.Lock()
		inv := e.current
		e.curMu.Unlock()
		if r.Method != http.MethodPost || len(parts) != 2 || inv == nil || parts[0] != inv.id {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(errorBody("InvalidRequestID", "no invocation with that id is in progress"))
			return
		}
		switch parts[1] {
		case "response":
			inv.done <- result{body: body}
		case "error":
			inv.done <- result{body: body, functionErr: true, errorType: r.Header.Get("Lambda-Runtime-Function-Error-Type")}
		default:
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"status":"OK"}`))
	})
	return mux
}

func main() {
	var command []string
	for _, arg := range os.Args[1:] {
		if strings.HasPrefix(arg, "--") && len(command) == 0 {
			continue // the real emulator's flags (--log-level ...) mean nothing here
		}
		command = append(command, arg)
	}
	if len(command) == 0 {
		for _, candidate := range []string{"/var/task/bootstrap", "/opt/bootstrap", "/var/runtime/bootstrap"} {
			if info, err := os.Stat(candidate); err == nil && !info.IsDir() {
				command = []string{candidate}
				break
			}
		}
	}
	if len(command) == 0 {
		logf("ERROR", "no bootstrap given and none found in /var/task, /opt or /var/runtime")
		os.Exit(2)
	}
	seconds, err := strconv.Atoi(getenv("AWS_LAMBDA_FUNCTION_TIMEOUT", "300"))
	if err != nil || seconds <= 0 {
		seconds = 300
	}
	e := &emulator{command: command, timeout: time.Duration(seconds) * time.Second, pending: make(chan *invocation, 1)}
	// Shutting down takes the runtime with it, as Lambda does, so it never sees the API vanish.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		logf("INFO", "shutting down")
		e.mu.Lock()
		e.kill()
		os.Exit(0)
	}()
	go func() {
		logf("INFO", "Runtime API listening on %s", runtimeAPIAddress)
		if err := http.ListenAndServe(runtimeAPIAddress, e.runtimeAPI()); err != nil {
			logf("ERROR", "runtime API: %v", err)
			os.Exit(1)
		}
	}()
	invoke := http.NewServeMux()
	invoke.HandleFunc("/2015-03-31/functions/function/invocations", e.invoke)
	logf("INFO", "invoke endpoint listening on :8080")
	if err := http.ListenAndServe(":8080", invoke); err != nil {
		logf("ERROR", "invoke endpoint: %v", err)
		os.Exit(1)
	}
}
