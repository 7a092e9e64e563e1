"""Digests the event's text with the openssl command from the openssl layer.

Event: {"text": "abc", "algorithm": "sha256"}. The digest is checked against Python's hashlib,
so a mismatch between the two would show.
"""

import hashlib
import subprocess

# By path: the OS's own openssl comes first on Lambda's PATH where the runtime image has one.
OPENSSL = "/opt/bin/openssl"


def handler(event, context):
    text = event.get("text", "")
    algorithm = event.get("algorithm", "sha256")
    if algorithm not in ("sha256", "sha384", "sha512", "sha3-256"):
        raise ValueError(f"unsupported algorithm {algorithm!r}")
    out = subprocess.run([OPENSSL, "dgst", f"-{algorithm}", "-r"], input=text.encode("utf-8"),
                         check=True, capture_output=True).stdout.decode("ascii")
    digest = out.split()[0]
    version = subprocess.run([OPENSSL, "version"], check=True, capture_output=True, text=True).stdout.strip()
    return {
        "algorithm": algorithm,
        "digest": digest,
        "matches_hashlib": digest == hashlib.new(algorithm.replace("-", "_"), text.encode("utf-8")).hexdigest(),
        "openssl": version,
    }
