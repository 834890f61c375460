"""Cluster mode of the benchmark: Attune behind nginx, on 1 and on 2 processes.

Run: `.venv/bin/python -m bench.cluster` (options: --sizes 5000,10000 --processes 1,2).

Each target starts a real redis-server and PostgreSQL (Debian's packages), N Attune processes
(`python app.py` with KIOSK_DB=postgresql://... and KIOSK_MESSAGE_QUEUE=redis://...) and nginx with
deploy/nginx.conf in front, then runs the same fan-out and answer-burst phases as `make bench`,
with the same generator, through nginx. Results go to bench/results/cluster-*.md and are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floors import prepare  # noqa: E402
from bench.payloads import WORKSHOP  # noqa: E402
from harness.live import LiveServer  # noqa: E402
from harness.live import free_port  # noqa: E402
from harness.load import AttuneTarget  # noqa: E402
from harness.load import Config  # noqa: E402
from harness.load import Generator  # noqa: E402
from harness.load import rss_kb  # noqa: E402
from harness.load import run_target_sync  # noqa: E402
from harness.postgres import PostgresCluster  # noqa: E402
from harness.postgres import postgres_bin_dir  # noqa: E402
from harness.services import NginxServer  # noqa: E402
from harness.services import RedisServer  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


class ClusterTarget(AttuneTarget):
    """`processes` Attune processes sharing PostgreSQL and Redis, behind nginx."""

    # The same phases as Attune's own run (clock sync and the answer burst included).
    kind = "attune"

    def __init__(self, workdir: Path, processes: int):
        self.workdir = workdir / f"cluster-{processes}-{time.monotonic_ns()}"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.processes = processes
        self.name = f"Attune x{processes} behind nginx"
        self.cpus = None
        self.env = {}
        self.code = ""
        self.token = ""
        self.port = free_port()
        self.kiosks: list[LiveServer] = []

    def size_for(self, n: int) -> None:
        """Above 5,000 phones, raise every process's KIOSK_MAX_PARTICIPANTS to N (AttuneTarget)."""
        if n > 5000:
            self.env["KIOSK_MAX_PARTICIPANTS"] = str(n)

    def start(self) -> None:
        self.redis = RedisServer(self.workdir / "redis").start()
        self.pg = PostgresCluster(postgres_bin_dir()).start()
        self.dsn = self.pg.create_database()
        public = f"http://127.0.0.1:{self.port}"
        self.kiosks = [
            LiveServer(
                self.dsn,
                # Every phone reaches the processes from nginx's one address: no per-address
                # share (AttuneTarget says why).
                env={
                    "KIOSK_MESSAGE_QUEUE": self.redis.url,
                    "KIOSK_PHONES_PER_ADDRESS": "0",
                    **self.env,
                },
                log=self.workdir / f"kiosk-{i}.log",
                public_url=public,
            )
            for i in range(self.processes)
        ]
        for kiosk in self.kiosks:
            kiosk.start()
        self.nginx = NginxServer(
            self.workdir / "nginx", [k.port for k in self.kiosks], port=self.port
        ).start()
        created = self.kiosks[0].create_session(WORKSHOP)
        self.code = created["code"]
        self.token = created["facilitator_token"]
        self.facilitator_auth = {"code": self.code, "token": self.token}

    @property
    def pid(self) -> int:
        # Memory and CPU figures are the first process's; the note says so.
        return self.kiosks[0].process.pid

    def total_rss_kb(self) -> int:
        """Resident memory of every Attune process."""
        return sum(rss_kb(k.process.pid) for k in self.kiosks)

    def stop(self) -> None:
        for stop in (
            lambda: self.nginx.stop(),
            *[k.kill for k in self.kiosks],
            lambda: self.pg.stop(),
            lambda: self.redis.stop(),
        ):
            try:
                stop()
            except Exception:  # noqa: BLE001 - stop everything we can
                pass

    def answers_stored(self, prompt_id: str) -> set[str]:
        """The answer ids PostgreSQL holds for this session and prompt."""
        import psycopg

        with psycopg.connect(self.dsn) as db:
            rows = db.execute(
                "SELECT answer_id FROM answers WHERE session_code = %s AND prompt_id = %s",
                (self.code, prompt_id),
            ).fetchall()
        return {row[0] for row in rows}


def _row(result: dict) -> str:
    fan = result.get("fanout", {})
    burst = result.get("burst", {})

    def ms(value):
        return "–" if value is None else f"{value:.1f}"

    return (
        f"| {result['n']:,} | {result['target']} | {result.get('join', {}).get('failures', '–')} "
        f"| {ms(fan.get('p50_ms'))} / {ms(fan.get('p99_ms'))} | {fan.get('misses', '–')} "
        f"| {burst.get('acked', '–')} / {burst.get('db_rows', '–')} "
        f"| {ms(burst.get('ack_p50_ms'))} / {ms(burst.get('ack_p99_ms'))} "
        f"| {round(burst.get('answers_per_s') or 0)} | {result.get('error', '')} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the cluster comparison and write its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000")
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args(argv)
    cfg = Config(steps=5)
    prepare(cfg)
    results = []
    generator = Generator(cfg.workers, cfg.generator_cpus)
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            for processes in [int(p) for p in args.processes.split(",")]:
                target = ClusterTarget(cfg.workdir, processes)
                print(f"{target.name}: {n} phones", flush=True)
                try:
                    result = run_target_sync(target, n, generator, cfg)
                except Exception as error:  # noqa: BLE001 - record it and go on
                    result = {"n": n, "target": target.name, "error": repr(error)[:200]}
                    generator.close()
                    generator = Generator(cfg.workers, cfg.generator_cpus)
                results.append(result)
                print(json.dumps(result)[:2000], flush=True)
    finally:
        generator.close()
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"cluster-{stamp}.json").write_text(json.dumps(results, indent=2))
    table = [
        "| N | target | joins failed | fan-out p50 / p99 ms | missed | acked / stored "
        "| ack p50 / p99 ms | answers/s | error |",
        "| --: | --- | --: | --: | --: | --: | --: | --: | --- |",
        *[_row(r) for r in results],
    ]
    text = "\n".join(table) + "\n"
    (RESULTS / f"cluster-{stamp}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
