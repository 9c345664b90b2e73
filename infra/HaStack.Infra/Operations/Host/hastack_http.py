# One HTTP(S) call made on a host for HaStack (Patroni's REST API, the agent's status): the request is a JSON
# object in argv[1], secrets come on standard input, the answer's body goes to standard output.
#
# The request: method, url, timeout (seconds), ca (the CA file that https URLs are checked against, the host's
# name included), user (Basic authentication, its password on stdin), stdin ("none", "password": all of stdin is
# the password, "password-then-body": the first line is the password and the rest the body), json (a body, sent
# as application/json) and refused (what an HTTP error is reported as). Exit 0 on a 2xx answer, 1 otherwise, with
# the reason on standard error. Run with python3 -I: no environment, no user site, nothing from the directory.
import base64
import json
import ssl
import sys
import urllib.error
import urllib.request


def main(argv):
    request = json.loads(argv[1])
    url = request["url"]
    password = None
    body = None
    mode = request.get("stdin", "none")
    if mode == "password":
        password = sys.stdin.buffer.read().decode()
    elif mode == "password-then-body":
        # one read of the bytes: a text readline first would leave the rest in its buffer, not in stdin's
        password, _, body = sys.stdin.buffer.read().partition(b"\n")
        password = password.decode()
    if request.get("json") is not None:
        body = json.dumps(request["json"]).encode()
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if request.get("user") is not None:
        token = base64.b64encode((request["user"] + ":" + (password or "")).encode()).decode()
        headers["Authorization"] = "Basic " + token
    context = ssl.create_default_context(cafile=request["ca"]) if url.startswith("https:") else None
    call = urllib.request.Request(url, method=request.get("method", "GET"), data=body, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=request.get("timeout", 3), context=context) as answer:
            sys.stdout.write(answer.read().decode())
        return 0
    except urllib.error.HTTPError as error:
        sys.stderr.write("%s: %d %s\n" % (request.get("refused", "HTTP error"), error.code, error.read().decode(errors="replace")))
    except (urllib.error.URLError, OSError, ValueError) as error:
        sys.stderr.write("%s: %s\n" % (url, error))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
