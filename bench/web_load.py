"""The web app under concurrent users: the encounter page and the live check.

A demo agency is generated and imported into a SQLite store, one clinician account is made per
simulated user, and ``caseledger serve`` runs in its own process. Each user signs in (password and
code), then records encounters as a person does: opens the encounter form, fills in the client,
code, date and times (the form sends a live check), then types the note in three bursts (the form
sends a live check after each pause in typing). Each encounter a user records has its own date and
times. Between actions a user pauses for ``--think`` seconds on average (uniformly from half to one
and a half times it): reading the page, typing. ``--think 0`` sends every request back to back,
a stress test rather than people. The baseline, measured in the same run under the same load, is
the sign-in page (no session, no records).

    python bench/web_load.py --users 50 --rounds 5            # people (1 s pauses)
    python bench/web_load.py --users 50 --rounds 5 --think 0  # back to back
    python bench/web_load.py --users 50 --rounds 5 --think 3 --ramp 10  # arriving over 10 s

By default every user starts at the same instant, so their first encounters come in a burst: the
worst case, as if fifty people sat down at nine o'clock sharp. ``--ramp`` spreads the arrivals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import percentile

from caseledger.security import mfa
from caseledger.security.accounts import Accounts
from caseledger.security.passwords import fast_hasher
from caseledger.store import Store
from caseledger.store.importer import import_dataset

PASSWORD = "a long passphrase for the load test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return int(s.getsockname()[1])


def _prepare(folder: Path, users: int) -> tuple[str, dict[str, str], dict[str, str]]:
    demo = folder / "demo"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "caseledger",
            "demo",
            "generate",
            str(demo),
            "--clients",
            "80",
            "--months",
            "6",
            "--force",
        ],
        check=True,
        capture_output=True,
    )
    url = f"sqlite:///{folder / 'store.db'}"
    secrets: dict[str, str] = {}
    with Store.open(url) as store:
        assert import_dataset(store, demo, actor="bench").committed
        with store.unit_of_work(actor="bench") as uow:
            agency = str(uow.repo("agency").all()[0]["agency_id"])
            client = uow.repo("clients").list_where(agency_id=agency)[0]
            encounter = next(
                e for e in uow.encounters.for_client(str(client["client_id"])) if e.get("staff_id")
            )
            accounts = Accounts(uow, hasher=fast_hasher())
            for n in range(users):
                _, enrollment = accounts.add(
                    f"user{n}",
                    f"User {n}",
                    agency,
                    "clinician",
                    PASSWORD,
                    staff_id=str(encounter["staff_id"]),
                )
                secrets[f"user{n}"] = enrollment.secret
    form = {
        "client_id": str(encounter["client_id"]),
        "staff_id": str(encounter["staff_id"]),
        "service_code": str(encounter["service_code"]),
        "modifiers": " ".join(encounter.get("modifiers") or ()),
        "date": dt.date.today().isoformat(),
        "start_time": "10:00",
        "end_time": "10:30",
        "note_text": "Practised the skills in the plan; the client led two of the three steps.",
        "billable": "on",
        "sign": "on",
    }
    return url, secrets, form


def _csrf(client: httpx.Client, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--checkers", type=int, default=1, help="live checks at once per worker")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a user's actions, seconds"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="users arrive at random over this many seconds (0: all at the same instant)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "CASELEDGER_SECRETS_DIR": str(folder / "secrets"),
            # httpx, unlike a browser, sends no secure cookie to http://localhost
            "CASELEDGER_INSECURE_COOKIES": "1",
        }
        os.environ.update(env)
        url, secrets, form = _prepare(folder, args.users)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "caseledger",
                "--db",
                url,
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--checkers",
                str(args.checkers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://localhost:{port}"
        try:
            # as a load balancer would, send users only once the rules are prepared
            for _ in range(1200):
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            timings: dict[str, list[float]] = {
                "sign-in page": [],
                "encounter page": [],
                "live check, fields": [],
                "live check, typing": [],
            }
            errors: list[str] = []
            lock = threading.Lock()
            note = (
                "Met at the library to practise the bus route in the plan.",
                " The client read the timetable and chose the stop without prompts.",
                " Next visit: the transfer at the downtown station.",
            )

            def user(name: str) -> None:
                try:
                    simulate(name)
                except Exception as exc:  # a failed user is an error, not a silent gap
                    with lock:
                        errors.append(f"{name}: {type(exc).__name__}: {exc}"[:200])

            def simulate(name: str) -> None:
                rng = random.Random(name)
                time.sleep(rng.uniform(0, args.ramp))

                def pause() -> None:
                    if args.think > 0:
                        time.sleep(rng.uniform(0.5, 1.5) * args.think)

                def timed(label: str, call: Callable[[], httpx.Response]) -> None:
                    t0 = time.perf_counter()
                    response = call()
                    elapsed = time.perf_counter() - t0
                    with lock:
                        timings[label].append(elapsed)
                        if response.status_code != 200:
                            errors.append(f"{label}: {response.status_code}")

                with httpx.Client(base_url=base, timeout=120) as c:
                    token = _csrf(c, "/sign-in")
                    c.post("/sign-in", data={"username": name, "password": PASSWORD, "csrf": token})
                    code = mfa.code_at(secrets[name], dt.datetime.now(dt.UTC))
                    c.post("/sign-in/code", data={"code": code, "csrf": token})
                    for n in range(args.rounds):
                        # each encounter recorded is another day and time
                        day = dt.date.today() - dt.timedelta(days=rng.randrange(1, 60))
                        hour = 8 + (n + rng.randrange(8)) % 9
                        fields = {
                            **form,
                            "csrf": token,
                            "date": day.isoformat(),
                            "start_time": f"{hour:02d}:00",
                            "end_time": f"{hour:02d}:{rng.choice((15, 30, 45))}",
                            "note_text": "",
                        }
                        timed("sign-in page", lambda: c.get("/sign-in"))
                        pause()
                        timed("encounter page", lambda: c.get("/encounters/new"))
                        pause()
                        timed(
                            "live check, fields",
                            lambda f=fields: c.post("/encounters/check", data=f),
                        )
                        for k in range(1, len(note) + 1):
                            pause()
                            typed = {**fields, "note_text": "".join(note[:k])}
                            timed(
                                "live check, typing",
                                lambda f=typed: c.post("/encounters/check", data=f),
                            )

            started = time.perf_counter()
            threads = [threading.Thread(target=user, args=(n,)) for n in secrets]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(
        f"{args.users} concurrent users, {args.rounds} encounters each, pauses of "
        f"{args.think:g} s on average, arriving over {args.ramp:g} s, {args.workers} server "
        f"worker(s) with {args.checkers} checker(s) each; {wall:.1f} s in all"
    )
    print(f"{'':22}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for label, xs in timings.items():
        ms = [x * 1000 for x in xs] or [float("nan")]
        print(
            f"{label:22}{len(ms):6}{percentile(ms, 0.5):10.0f}{percentile(ms, 0.95):10.0f}"
            f"{max(ms):10.0f}"
        )
    print(f"errors: {len(errors)}" + (f" (e.g. {errors[:3]})" if errors else ""))


if __name__ == "__main__":
    main()
