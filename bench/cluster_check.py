"""The checks of bench/cluster.sh against two running app servers (A, B) behind HAProxy; exits 1 on a failure.

1. An import's dry run on A, confirmed on B (the pending file waits in the database, not on A's disk).
2. B answers a public page from the shared cache; A publishes the imported figure; B's very next answer has it.
3. Under load through HAProxy (wrk), A is killed. HAProxy's log of every request splits the failures into those
   that arrived before HAProxy marked A down and those after: none may fail after, and with deploy/haproxy.cfg's
   retries none fails before either (the figure is printed; only "after" fails the check).
"""

import argparse
import datetime
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

PAGE = "/ja/areas/kumamoto/indicators/S2-G1-N1/"  # 市内総生産額: FY2023 target 2,692 in seed 001
OLD, NEW = "2,692", "2,700"
IMPORT = "/admin/kpi/observation/import/"
LOAD_PATHS = [
    "/ja/",
    "/ja/areas/kumamoto/",
    "/ja/areas/kumamoto/plans/kumamoto-strategy-1/",
    "/ja/areas/kumamoto/indicators/S1-G2-N1/",
    "/ja/areas/kumamoto/matrix/",
    "/health/",
]
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() codes = {} end
response = function(status) codes[status] = (codes[status] or 0) + 1 end
done = function(summary, latency, requests)
  local bad = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("codes")) do
      if status >= 400 then bad[#bad + 1] = string.format('"%%d": %%d', status, count) end
    end
  end
  io.write('WRKCODES {' .. table.concat(bad, ", ") .. '}\\n')
  local e = summary.errors
  io.write(string.format('WRK {"requests": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, ' ..
    '"timeout": %%d, "p50_ms": %%.2f, "p95_ms": %%.2f}\\n', summary.requests, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""

failures = []


def check(ok, message):
    print(("  ok    " if ok else "  FAIL  ") + message, flush=True)
    if not ok:
        failures.append(message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A signed-in staff member's browser: one cookie jar for both servers (cookies ignore the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def post(self, url, fields, files=None):
        fields = {**fields, "csrfmiddlewaretoken": self.csrf()}
        if not files:
            return self.request(url, urllib.parse.urlencode(fields, doseq=True).encode())
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(head.encode() + b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def public_get(url):
    """An anonymous visitor's GET: (status, X-Page-Cache, body)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("X-Page-Cache"), response.read().decode()


def import_on_a_confirm_on_b(a, b):
    print("1. an import's dry run on A, confirmed on B", flush=True)
    staff = Browser()
    staff.request(a + "/admin/login/")
    status, headers, _body = staff.post(
        a + "/admin/login/",
        {"username": "admin", "password": os.environ["DJANGO_ADMIN_PASSWORD"], "next": "/admin/"},
    )
    check(status == 302, f"signed in on A ({status})")
    staff.request(a + IMPORT)
    values = f"area,indicator_id,fiscal_year,kind,value\nkumamoto,S2-G1-N1,2023,target,{NEW.replace(',', '')}\n"
    status, _headers, body = staff.post(a + IMPORT, {}, {"file": ("values.csv", values.encode())})
    token = re.search(r'name="token" value="([^"]+)"', body)
    check(status == 200 and token is not None, f"dry run on A: {status}, confirmation token issued")
    if token is None:
        return staff
    status, headers, _body = staff.post(b + IMPORT + "confirm/", {"token": token.group(1)})
    location = headers.get("Location", "")
    check(
        status == 302 and location.endswith("/admin/kpi/observation/"),
        f"confirmed on B: {status} → {location or '(no redirect)'}",
    )
    return staff


def publish_on_a_shows_on_b(a, b, staff):
    print("2. B serves a cache hit; A publishes; B's next answer has the new figure", flush=True)
    public_get(b + PAGE)
    status, cached, body = public_get(b + PAGE)
    check(status == 200 and cached == "hit" and OLD in body, f"B before the publish: {status} {cached}, shows {OLD}")
    query = "?q=S2-G1-N1&kind__exact=target&fiscal_year__exact=2023&is_published__exact=0"
    _status, _headers, changelist = staff.request(a + "/admin/kpi/observation/" + query)
    selected = re.findall(r'name="_selected_action" value="(\d+)"', changelist)
    check(len(selected) == 1, f"the imported draft found on A ({len(selected)} row)")
    if len(selected) != 1:
        return
    status, _headers, _body = staff.post(
        a + "/admin/kpi/observation/", {"action": "publish_selected", "_selected_action": selected, "index": "0"}
    )
    check(status == 302, f"published on A ({status})")
    status, cached, body = public_get(b + PAGE)
    check(status == 200 and NEW in body and OLD not in body, f"B right after: {status} {cached}, shows {NEW}")
    status, cached, body = public_get(b + PAGE)
    check(cached == "hit" and NEW in body, f"B again: {cached}, shows {NEW}")


def server_states(stats_url):
    with urllib.request.urlopen(stats_url, timeout=5) as response:
        rows = [line.split(",") for line in response.read().decode().splitlines()]
    return {row[1]: row[17] for row in rows[1:] if len(row) > 17 and row[0] == "app" and row[1] in ("a", "b")}


def wait_for(stats_url, server, state, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server_states(stats_url).get(server, "").startswith(state):
            return True
        time.sleep(0.1)
    return False


def wrk(lb, seconds, script, connections=8):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script, lb + "/"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def wrk_result(process, seconds):
    out, _err = process.communicate(timeout=seconds + 30)
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    codes = next(line for line in out.splitlines() if line.startswith("WRKCODES "))
    return {**json.loads(line[4:]), "codes": codes[9:]}


def failed(result):
    return sum(result[name] for name in ("connect", "read", "write", "status", "timeout"))


def parse_haproxy_log(path):
    """From bench/cluster.sh's HAProxy log (RFC 5424 lines): each time A was marked down (epoch seconds) and each
    request as (accept time, total ms, status, termination state, retries, server)."""
    marked_down, requests = [], []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            parts = line.split(" ", 7)
            if len(parts) < 8:
                continue
            message = parts[7]
            if message.startswith("Server app/a is DOWN"):
                marked_down.append(datetime.datetime.fromisoformat(parts[1]).timestamp())
            elif message.startswith("REQ "):
                # REQ <accept epoch.ms> <Ta> <status> <termination state> <retries> <backend/server> <method> <uri>
                fields = message.split()
                requests.append((float(fields[1]), int(fields[2]), int(fields[3]), fields[4], fields[5], fields[6]))
    return marked_down, requests


def request_failed(request, client_timeout_ms):
    """A request the client saw fail: an error status, none at all, or an answer cut short (termination state S…:
    the server closed the connection mid-response, which no retry can mend once the headers are on their way). A
    connection the client closed itself (wrk stopping at the end of its run: C…) is not a failure unless it gave
    up waiting."""
    _accepted, total_ms, status, state, _retries, _server = request
    if state[0] in "Cc":
        return total_ms >= client_timeout_ms
    return state[0] != "-" or not 200 <= status < 400


def kill_a_under_load(lb, stats_url, pid, seconds, work, haproxy_log):
    print("3. A killed under load through HAProxy", flush=True)
    check(
        wait_for(stats_url, "a", "UP", 20) and wait_for(stats_url, "b", "UP", 20),
        f"both servers up: {server_states(stats_url)}",
    )
    script = os.path.join(work, "mix.lua")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(WRK_SCRIPT % ", ".join(f'"{path}"' for path in LOAD_PATHS))
    warm = wrk_result(wrk(lb, 3, script), 3)
    check(failed(warm) == 0, f"both up, 3 s: {warm['requests']} requests, {failed(warm)} failed")

    started = time.time()
    during = wrk(lb, seconds, script)
    time.sleep(min(2, seconds / 3))
    killed_at = time.time()
    os.killpg(pid, signal.SIGKILL)
    down = wait_for(stats_url, "a", "DOWN", 15)
    result = wrk_result(during, seconds)
    downs, requests = parse_haproxy_log(haproxy_log)
    marked_down = next((at for at in downs if at >= killed_at), None)
    check(
        down and marked_down is not None,
        f"HAProxy marked A down {(marked_down or time.time()) - killed_at:.2f} s after the kill",
    )
    marked_down = marked_down or float("inf")
    finished = time.time()
    during_requests = [request for request in requests if started <= request[0] <= finished]
    failed_requests = [request for request in during_requests if request_failed(request, 5000)]
    failed_before = [request for request in failed_requests if request[0] < marked_down]
    failed_after = [request for request in failed_requests if request[0] >= marked_down]
    retried = sum(1 for request in during_requests if request[4] != "0")
    for request in failed_requests[:10]:
        print(f"        failed: accepted {request[0] - killed_at:+.3f} s after the kill, {request[1:]}", flush=True)
    check(
        not failed_after,
        f"HAProxy's log of that run: {len(during_requests)} requests, {retried} retried, {len(failed_requests)} failed "
        f"({len(failed_before)} before A was marked down, {len(failed_after)} after)",
    )
    # Every failure wrk saw must be one of those, or it cannot be said to have come before the mark-down.
    check(
        failed(result) <= len(failed_requests),
        f"while A died, wrk: {result['requests']} requests, {failed(result)} failed "
        f"(connect {result['connect']}, read {result['read']}, status {result['status']}, "
        f"timeout {result['timeout']}, statuses {result['codes']}); "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms",
    )
    after = wrk_result(wrk(lb, seconds, script), seconds)
    check(
        after["requests"] > 0 and failed(after) == 0,
        f"after A was taken out, {seconds} s: {after['requests']} requests, {failed(after)} failed "
        f"(timeout {after['timeout']}, statuses {after['codes']}); "
        f"p50 {after['p50_ms']} ms, p95 {after['p95_ms']} ms",
    )


def main():
    parser = argparse.ArgumentParser()
    for name in ("a", "b", "lb", "stats", "work", "haproxy_log"):
        parser.add_argument(f"--{name.replace('_', '-')}", required=True)
    parser.add_argument("--extra-paths", default="", help="more pages for the load mix, separated by spaces")
    parser.add_argument("--kill-pid", type=int, required=True)
    parser.add_argument("--load-seconds", type=int, default=8)
    args = parser.parse_args()

    deadline = time.monotonic() + 60
    while True:
        try:
            if all(public_get(url + "/health/")[0] == 200 for url in (args.a, args.b)):
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("the app servers did not answer /health/ within 60 s")
        time.sleep(0.5)

    staff = import_on_a_confirm_on_b(args.a, args.b)
    publish_on_a_shows_on_b(args.a, args.b, staff)
    LOAD_PATHS.extend(args.extra_paths.split())
    kill_a_under_load(args.lb, args.stats, args.kill_pid, args.load_seconds, args.work, args.haproxy_log)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("cluster: OK")


if __name__ == "__main__":
    main()
