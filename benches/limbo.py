#!/usr/bin/env python3
"""Path validation side by side: `mqauth verify` and `openssl verify` on the
x509-limbo suite (https://github.com/C2SP/x509-limbo), each case with its known right answer.

    python3 benches/limbo.py LIMBO_JSON [MQAUTH] [--strict] [--show-wrong] [--old-flags]

LIMBO_JSON is the suite compiled by x509-limbo's `limbo compile` (or its published
limbo.json). Prints, for each verifier, how often it agrees with the expected result and how
many chains it accepts that must be rejected; then every case mqauth accepts while OpenSSL
rejects it (the issue's "never" list), which must stay empty.

Whether the library gives each expected result, bar the divergences listed with their reasons
in tests/data/limbo-exceptions.json, is a test: MQAUTH_LIMBO=LIMBO_JSON cargo test --test suite limbo.
"""
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime

args = [a for a in sys.argv[1:] if not a.startswith("--")]
show_wrong = "--show-wrong" in sys.argv
# --old-flags: give mqauth only the flags it had before peer names and depth (for a baseline);
# --strict: compare `mqauth verify --strict` with `openssl verify -x509_strict` (the default
# compares both without strictness).
old_flags = "--old-flags" in sys.argv
strict = "--strict" in sys.argv
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
suite = json.load(open(args[0]))["testcases"]
mqauth = args[1] if len(args) > 1 else os.path.join(root, "target/release/mqauth")


def write(path, pems):
    with open(path, "w") as f:
        f.write("".join(pems))
    return path


def run_case(tc, work):
    trusted = write(os.path.join(work, "trusted.pem"), tc["trusted_certs"])
    peer = write(os.path.join(work, "peer.pem"), [tc["peer_certificate"]])
    untrusted = tc["untrusted_intermediates"]
    untrusted_file = write(os.path.join(work, "untrusted.pem"), untrusted) if untrusted else None
    crl_file = write(os.path.join(work, "crls.pem"), tc["crls"]) if tc["crls"] else None
    purpose = "server" if tc["validation_kind"] == "SERVER" else "client"
    when = tc["validation_time"]
    name = tc["expected_peer_name"]

    ossl = ["openssl", "verify", "-CAfile", trusted, "-purpose", "ssl" + purpose]
    mq = [mqauth, "-q", "verify", "--ca", trusted, "--purpose", purpose]
    if strict:
        ossl.append("-x509_strict")
        mq.append("--strict")
    if untrusted_file:
        ossl += ["-untrusted", untrusted_file]
        mq += ["--untrusted", untrusted_file]
    if crl_file:
        ossl += ["-crl_check", "-CRLfile", crl_file]
        mq += ["--crl", crl_file]
    if when:
        t = datetime.fromisoformat(when)
        ossl += ["-attime", str(int(t.timestamp()))]
        mq += ["--at", t.strftime("%Y-%m-%dT%H:%M:%SZ")]
    if tc["max_chain_depth"] is not None and not old_flags:
        ossl += ["-verify_depth", str(tc["max_chain_depth"])]
        mq += ["--max-depth", str(tc["max_chain_depth"])]
    if name and tc["validation_kind"] == "SERVER":
        if name["kind"] == "IP":
            ossl += ["-verify_ip", name["value"]]
            mq += [] if old_flags else ["--ip", name["value"]]
        else:
            ossl += ["-verify_hostname", name["value"]]
            mq += [] if old_flags else ["--host", name["value"]]
    ossl.append(peer)
    mq.append(peer)
    o = subprocess.run(ossl, capture_output=True, text=True, timeout=60)
    m = subprocess.run(mq, capture_output=True, text=True, timeout=60)
    return o.returncode == 0, m.returncode == 0, o.stdout + o.stderr, m.stdout + m.stderr


counts = {"openssl": [0, 0], "mqauth": [0, 0]}  # right answers, bad chains accepted
never = []
wrong = []
with tempfile.TemporaryDirectory() as work:
    for tc in suite:
        expected_ok = tc["expected_result"] == "SUCCESS"
        o_ok, m_ok, o_out, m_out = run_case(tc, work)
        for who, ok in (("openssl", o_ok), ("mqauth", m_ok)):
            counts[who][0] += ok == expected_ok
            counts[who][1] += ok and not expected_ok
        if m_ok and not o_ok:
            never.append((tc["id"], o_out.strip().splitlines()[-2:]))
        if m_ok != expected_ok and o_ok == expected_ok:
            wrong.append((tc["id"], tc["expected_result"], m_out.strip()[-300:]))

n = len(suite)
for who, (right, accepted) in counts.items():
    print(f"{who:8} right {right}/{n} ({100 * right / n:.1f}%), bad chains accepted: {accepted}")
print(f"mqauth accepts, openssl rejects: {len(never)}")
for case, why in never:
    print(f"  {case}: openssl: {' / '.join(why)}")
print(f"mqauth wrong where openssl is right: {len(wrong)}")
if show_wrong:
    for case, expected, out in wrong:
        print(f"  {case} (expected {expected}): {out}")
sys.exit(1 if never else 0)
