#!/usr/bin/env bash
# Runs the PyPI tool checkdmarc (the peer that `mailconf deliverability` is compared with)
# against ONE given nameserver, with no other network access, and prints its results.
#
#   scripts/checkdmarc-peer.sh NAMESERVER[:PORT] DOMAIN...
#       NAMESERVER is an IP address (IPv6 as [::1]:PORT or bare ::1); PORT defaults to 53.
#
# Prints one JSON array to stdout: checkdmarc's result object for each DOMAIN, in the
# order given (checkdmarc's own `-f json` layout; see docs/deliverability-facts.md for
# the fields the tests read: .spf.valid/.error/.dns_lookups/.void_dns_lookups,
# .dmarc.valid/.error/.tags). Diagnostics go to stderr.
#
# checkdmarc's command line can only name port-53 servers, so this calls its Python API
# (checkdmarc.check_domains) with a dnspython Do53Nameserver(address, port). Offline by
# construction: every socket connect/sendto to anything but the nameserver is refused,
# host names are never resolved through the system, BIMI is skipped, MX TLS tests are
# off, and the MTA-STS policy download (HTTPS) is reported as skipped.
#
# Exit codes: 0 results printed; 1 set-up failed (venv/pip); 2 usage; 3 the nameserver
# did not answer, or a lookup timed out (results would be meaningless); 4 checkdmarc
# failed; 124 the whole run took longer than CHECKDMARC_PEER_TIMEOUT.
#
# Environment:
#   CHECKDMARC_VERSION       version installed into the venv (default 6.0.4, the one the
#                            JSON paths were checked against)
#   CHECKDMARC_CACHE         venv location's parent (default
#                            ${XDG_CACHE_HOME:-$HOME/.cache}/mailconf-checkdmarc)
#   CHECKDMARC_PYTHON        python to build the venv with (default python3)
#   CHECKDMARC_DNS_TIMEOUT   seconds per DNS lookup (default 2)
#   CHECKDMARC_PEER_TIMEOUT  seconds for the whole run, install excluded (default 120)
set -euo pipefail

usage() { echo "usage: $0 NAMESERVER[:PORT] DOMAIN..." >&2; exit 2; }
[ $# -ge 2 ] || usage
case "$1" in -h|--help) usage ;; esac

VERSION="${CHECKDMARC_VERSION:-6.0.4}"
CACHE="${CHECKDMARC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailconf-checkdmarc}"
PY="${CHECKDMARC_PYTHON:-python3}"

fail() { echo "checkdmarc-peer: $*" >&2; exit "${CODE:-1}"; }

# --- the venv: built once, reused while its marker says the install finished ------------
source "$(dirname "$0")/python-venv.sh"
VENV="$(cached_venv checkdmarc-peer "$CACHE" "$PY" "import checkdmarc, dns.nameserver" "checkdmarc==$VERSION")" || exit 1

# --- the run ------------------------------------------------------------------------------
read -r -d '' RUNNER <<'PYTHON' || true
import ipaddress, json, logging, os, socket, sys

def die(code, message):
    print(f"checkdmarc-peer: {message}", file=sys.stderr)
    sys.exit(code)

spec, domains = sys.argv[1], sys.argv[2:]
dns_timeout = float(os.environ.get("CHECKDMARC_DNS_TIMEOUT", "2"))

# NAMESERVER[:PORT]: 127.0.0.1, 127.0.0.1:20153, ::1, [::1], [::1]:20153
host, port = spec, 53
try:
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError
            port = int(rest[1:])
    elif spec.count(":") == 1:
        host, port_text = spec.split(":")
        port = int(port_text)
    address = ipaddress.ip_address(host)
    if not 0 < port < 65536:
        raise ValueError
except ValueError:
    die(2, f"bad nameserver {spec!r}: give an IP address with an optional port "
           "(127.0.0.1:20153, [::1]:20153)")

# --- offline guard: sockets may reach the nameserver and nothing else ----------------------
def allowed(sockaddr):
    try:
        return ipaddress.ip_address(sockaddr[0].split("%")[0]) == address and sockaddr[1] == port
    except (ValueError, TypeError, IndexError, AttributeError):
        return False

def refuse(sockaddr):
    raise ConnectionRefusedError(
        f"checkdmarc-peer is offline: only {spec} may be reached, not {sockaddr!r}")

_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
def connect(self, sockaddr):
    if not allowed(sockaddr): refuse(sockaddr)
    return _connect(self, sockaddr)
def connect_ex(self, sockaddr):
    if not allowed(sockaddr): refuse(sockaddr)
    return _connect_ex(self, sockaddr)
def sendto(self, data, *args):
    sockaddr = args[-1]
    if not allowed(sockaddr): refuse(sockaddr)
    return _sendto(self, data, *args)
socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto

_getaddrinfo = socket.getaddrinfo
def getaddrinfo(name, *args, **kwargs):
    try:
        ipaddress.ip_address(name.decode() if isinstance(name, bytes) else name)
    except (ValueError, TypeError, AttributeError):
        raise socket.gaierror(socket.EAI_NONAME,
                              f"checkdmarc-peer is offline: {name!r} is not resolved")
    return _getaddrinfo(name, *args, **kwargs)
socket.getaddrinfo = getaddrinfo

import dns.message, dns.nameserver, dns.query, dns.rdatatype, dns.exception  # noqa: E402
import checkdmarc, checkdmarc.mta_sts  # noqa: E402

def no_policy_download(domain, **_):
    raise checkdmarc.mta_sts.MTASTSPolicyDownloadError(
        "policy download skipped: checkdmarc-peer makes no HTTPS requests")
checkdmarc.mta_sts.download_mta_sts_policy = no_policy_download

logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
nameserver = dns.nameserver.Do53Nameserver(str(address), port)

# checkdmarc 5.x's DNSSEC code calls dns.query.tcp(request, str(nameserver)), which
# only works for plain addresses: send those calls to our address and port.
_tcp = dns.query.tcp
def tcp(q, where, *args, **kwargs):
    if where == str(nameserver):
        where, kwargs["port"] = str(address), port
    return _tcp(q, where, *args, **kwargs)
dns.query.tcp = tcp

# Preflight: checkdmarc turns a dead nameserver into per-domain errors that look like
# verdicts, so make sure the server answers (any rcode) before running it.
try:
    dns.query.udp(dns.message.make_query(domains[0], dns.rdatatype.TXT), str(address),
                  port=port, timeout=dns_timeout)
except (dns.exception.DNSException, OSError) as error:
    die(3, f"nameserver {spec} did not answer a TXT query for {domains[0]}: {error!r}")

# No MX TLS tests: 6.x has check_mx_tls (off by default), 5.x has skip_tls (on by default).
import inspect  # noqa: E402
options = dict(nameservers=[nameserver], timeout=dns_timeout, retries=1, bimi_selector=None)
parameters = inspect.signature(checkdmarc.check_domains).parameters
if "check_mx_tls" in parameters:
    options["check_mx_tls"] = False
elif "skip_tls" in parameters:
    options["skip_tls"] = True

results = []
for domain in domains:
    try:
        result = checkdmarc.check_domains([domain], **options)
    except Exception as error:  # checkdmarc bug or unexpected input: say which domain
        die(4, f"checkdmarc failed on {domain}: {type(error).__name__}: {error}")
    results.append(result)

# A timeout anywhere in the SPF or DMARC results means the verdict is not about the zone.
for result in results:
    for part in ("spf", "dmarc"):
        text = json.dumps(result.get(part, {})).lower()
        if "timed out" in text or "timeout" in text:
            print(json.dumps(results, ensure_ascii=False, indent=2))
            die(3, f"a DNS lookup timed out while checking {part} of {result['domain']}; "
                   f"is {spec} serving it?")

print(json.dumps(results, ensure_ascii=False, indent=2))
PYTHON

CODE=0
PYTHONNOUSERSITE=1 timeout --kill-after=5 "${CHECKDMARC_PEER_TIMEOUT:-120}" \
    "$VENV/bin/python" -c "$RUNNER" "$@" || CODE=$?
case $CODE in
    0) ;;
    124|137) CODE=124; fail "checkdmarc did not finish within ${CHECKDMARC_PEER_TIMEOUT:-120}s" ;;
    *) exit $CODE ;;
esac
