import { MARKER } from './emulator-output.js';

/** Where the driver, the event and the emulator are mounted in the function's container. */
export const DRIVER_DIR = '/var/layerforge';
export const EMULATOR_PATH = `${DRIVER_DIR}/aws-lambda-rie`;
export const EVENT_PATH = `${DRIVER_DIR}/event.json`;
export const DRIVER_PATH = `${DRIVER_DIR}/invoke.sh`;
export const FUNCTION_RELAY_PATH = `${DRIVER_DIR}/function.sh`;

/** Base64 characters per marker line (a multiple of 4): the line stays one atomic pipe write. */
export const RESPONSE_PART_CHARS = 3072;

/** The emulator's invoke endpoint, as AWS documents it. */
const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

/**
 * What the emulator starts instead of the runtime command: the command itself, with its stdout and
 * stderr relayed one whole line per write. The function and the emulator share the container's
 * output, and a runtime may write a line in pieces (Python's print writes the text, then the
 * newline): the emulator's own lines (START, REPORT, its log) would land inside the function's.
 * A line written at once is never split by another writer's (up to the pipe's 4 KiB). The
 * runtime's exit status is kept (pipefail), so the emulator still sees a crash.
 *
 * The emulator takes its last argument for the handler when it has more than one, so a custom
 * runtime's command gets the handler appended, and `drop` tells the relay to leave it out of the
 * command: Lambda starts a custom runtime's bootstrap with no arguments.
 */
export const FUNCTION_RELAY_SCRIPT = `#!/bin/bash
set -o pipefail
mode="$1"; shift
if [ "$mode" = drop ]; then set -- "\${@:1:$#-1}"; fi
"$@" 2>&1 | while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line"; done
`;

/** The emulator's arguments after the relay: the command, and the handler where it is not in it. */
export function relayedCommand(command: string[], handler: string, customRuntime: boolean): string[] {
  return customRuntime ? ['drop', ...command, handler] : ['keep', ...command];
}

/**
 * The script that runs as the container's command. It starts the emulator with the runtime's
 * command, waits for the emulator's invoke endpoint, then POSTs the event `$1` times and prints
 * each raw HTTP response base64-encoded on marker lines, so a response never mixes with the
 * function's own output: `part` lines of at most RESPONSE_PART_CHARS characters each, then one
 * `response` line with the round trip. Each line is one write below the pipe's 4 KiB, which no
 * other writer can split: one line of a whole 100 KB response was cut by the emulator's REPORT
 * line, written while the pipe was full (an 80 KB image from a Node function). It talks HTTP through bash's /dev/tcp because the runtime images have no
 * curl, and it runs inside the container so the function can stay on `--network none`.
 * HTTP/1.0 keeps the emulator from chunking its answer and makes it close the connection at the end.
 */
export const DRIVER_SCRIPT = `#!/bin/bash
set -u
count="$1"; shift
${EMULATOR_PATH} ${FUNCTION_RELAY_PATH} "$@" &
emulator=$!
ready=
for _ in $(seq 1 1200); do
  kill -0 "$emulator" 2>/dev/null || break
  if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then ready=1; break; fi
  sleep 0.05
done
if [ -z "$ready" ]; then
  wait "$emulator"
  echo "${MARKER} emulator-exited $?"
  exit 3
fi
length=$(wc -c < ${EVENT_PATH})
for n in $(seq 1 "$count"); do
  start=$(date +%s%N)
  exec 3<>/dev/tcp/127.0.0.1/8080
  printf 'POST ${INVOKE_PATH} HTTP/1.0\\r\\nHost: 127.0.0.1:8080\\r\\nContent-Type: application/json\\r\\nContent-Length: %s\\r\\n\\r\\n' "$length" >&3
  cat ${EVENT_PATH} >&3
  cat <&3 > /tmp/.layerforge-response
  exec 3<&-
  end=$(date +%s%N)
  base64 -w ${RESPONSE_PART_CHARS} < /tmp/.layerforge-response | while IFS= read -r part; do
    echo "${MARKER} part $n $part"
  done
  echo "${MARKER} response $n $(( (end - start) / 1000 ))"
done
rm -f /tmp/.layerforge-response
kill "$emulator" 2>/dev/null
wait "$emulator" 2>/dev/null
exit 0
`;
