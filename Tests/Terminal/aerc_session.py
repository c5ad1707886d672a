#!/usr/bin/python3
"""Drives a real aerc in a tmux session of its own, as a user at the keyboard would.

It starts aerc with the configuration folder given (XDG_CONFIG_HOME), waits until the
message list shows a message whose subject is --expect (so aerc has read the mailbox over
IMAP with the exported source), then composes a message to --to with the subject
--subject and sends it (with the exported outgoing server) from the review screen.

Prints the last screen and exits 0 when aerc said the message was sent, 1 when a step
did not happen in time, 2 on bad arguments. Every wait is bounded, and the tmux server
(a socket of its own) is always killed at the end, so nothing outlives the run.
"""
import argparse
import os
import shlex
import subprocess
import sys
import time
import uuid


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config-home", required=True, help="XDG_CONFIG_HOME holding aerc/accounts.conf")
    ap.add_argument("--expect", required=True, help="a subject the message list must show")
    ap.add_argument("--to", required=True)
    ap.add_argument("--subject", required=True)
    ap.add_argument("--ca-file", help="SSL_CERT_FILE for aerc (Go's TLS reads it)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds for each step")
    args = ap.parse_args()

    socket = "mailconf-aerc-" + uuid.uuid4().hex[:12]
    env = {"XDG_CONFIG_HOME": args.config_home, "HOME": os.path.dirname(args.config_home.rstrip("/")),
           "TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    if args.ca_file:
        env["SSL_CERT_FILE"] = args.ca_file
    command = "env -i " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items()) + " aerc"

    def tmux(*a, check=True):
        return subprocess.run(["tmux", "-L", socket, "-f", "/dev/null", *a], check=check, timeout=15,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True)

    def screen():
        return tmux("capture-pane", "-p", "-t", "aerc", check=False).stdout

    def wait_for(text, what):
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.3)
        print(f"timed out after {args.timeout:.0f} s waiting for {what} ({text!r}); the screen:\n{screen()}")
        sys.exit(1)

    try:
        tmux("new-session", "-d", "-s", "aerc", "-x", "200", "-y", "50", command)
        wait_for(args.expect, "the planted message in aerc's message list")
        # An ex command from the message list: the composer, with its headers filled in.
        tmux("send-keys", "-t", "aerc", ":")
        time.sleep(0.3)
        tmux("send-keys", "-t", "aerc", "-l",
             f"compose -H {shlex.quote('To: ' + args.to)} -H {shlex.quote('Subject: ' + args.subject)}")
        tmux("send-keys", "-t", "aerc", "Enter")
        # The editor (aerc.conf: editor = true) ends at once, which leaves the review screen.
        wait_for("Send this email?", "the composer's review screen")
        tmux("send-keys", "-t", "aerc", "y")
        shown = wait_for("Message sent", "aerc to say it sent the message")
        print(shown)
        return 0
    finally:
        tmux("kill-server", check=False)


if __name__ == "__main__":
    sys.exit(main())
