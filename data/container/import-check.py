# layerforge's derived import tests (src/core/builder/import-tests.ts), run in the runtime image:
# each module in its own interpreter, so one import's side effects cannot hide another's failure.
import subprocess, sys
for name in sys.argv[1:]:
    r = subprocess.run([sys.executable, "-c", "import importlib, sys; importlib.import_module(sys.argv[1])", name], capture_output=True, text=True)
    last = (r.stderr.strip().splitlines() or [""])[-1]
    print(("layerforge-import ok " + name) if r.returncode == 0 else ("layerforge-import fail " + name + " " + last), flush=True)
