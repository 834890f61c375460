"""The benchmark's markdown: the comparison table, Attune's own figures, goals, generator check."""

from __future__ import annotations

GOALS = {
    "flask_ratio": 1.3,
    "node_ratio": 1.5,
    "clock_p99_ms": 10.0,
    "burst_n": 2000,
    "burst_p99_ms": 500.0,
    "join_n": 2000,
    "join_window_s": 10.0,
    "kb_per_phone": 100.0,
    "room_n": 5000,
    # Issue #13's moonshot: one process, this machine's hard limit of 20,000 open files.
    "hall_n": 10000,
    "hall_p99_ms": 300.0,
}


def _burst_answers(results: list[dict]) -> str:
    """What the burst's phones answered, in words (runs before `answer_kind` were scales)."""
    kinds = {(r.get("burst") or {}).get("answer_kind", "scale") for r in results}
    words = {"scale": "a 1..5 scale", "mood": "the 7x7 mood grid (a cell each)"}
    return " or ".join(words.get(kind, kind) for kind in sorted(kinds))


def _ms(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def noise(result: dict) -> float:
    """The worst share of the server's core taken by other processes in any phase."""
    phases = [result.get(k) for k in ("join_phase", "clock_phase", "fanout_phase")]
    phases.append((result.get("burst") or {}).get("phase"))
    return max([(p.get("foreign_cpu") or 0.0) for p in phases if p] or [0.0])


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _by(results: list[dict]) -> dict[tuple[int, str], dict]:
    return {(r["n"], r["kind"]): r for r in results if "error" not in r}


def ratios(results: list[dict]) -> dict[int, dict[str, float | None]]:
    """Attune's fan-out p99 over each floor's, per N."""
    table = _by(results)
    out = {}
    for n in sorted({r["n"] for r in results}):
        attune = table.get((n, "attune"))
        row = {}
        for floor in ("flask", "node"):
            other = table.get((n, floor))
            if attune and other and other["fanout"]["p99_ms"]:
                row[floor] = attune["fanout"]["p99_ms"] / other["fanout"]["p99_ms"]
            else:
                row[floor] = None
        out[n] = row
    return out


def goals(results: list[dict]) -> list[tuple[str, str, str]]:
    """(goal, measured, met) rows."""
    table = _by(results)
    rows = []
    sizes = sorted({r["n"] for r in results})
    big = table.get((GOALS["room_n"], "attune"))
    if big:
        f = big["fanout"]
        ok = big["join"]["failures"] == 0 and f["misses"] == 0 and f["phones"] == big["n"]
        rows.append(
            (
                "5,000 phones in one session, every broadcast delivered",
                f"{f['phones']:,} connected, {big['join']['failures']} failed joins, "
                f"{f['misses']} missed of {f['phones'] * f['steps']:,} state deliveries",
                "met" if ok else "MISSED",
            )
        )
    hall = table.get((GOALS["hall_n"], "attune"))
    if hall:
        f = hall["fanout"]
        ok = (
            hall["join"]["failures"] == 0
            and f["misses"] == 0
            and f["phones"] == hall["n"]
            and (f["p99_ms"] or 0) <= GOALS["hall_p99_ms"]
        )
        rows.append(
            (
                f"{GOALS['hall_n']:,} phones on one process: all join, every broadcast "
                f"delivered, fan-out p99 <= {GOALS['hall_p99_ms']:.0f} ms",
                f"{f['phones']:,} connected, {hall['join']['failures']} failed joins, "
                f"{f['misses']} missed, p99 {_ms(f['p99_ms'])} ms, "
                f"{hall['memory'].get('fds_per_phone', 0):.2f} open files per phone",
                "met" if ok else "MISSED",
            )
        )
    rat = ratios(results)
    for floor, name, limit in (
        ("flask", "Flask-SocketIO floor", GOALS["flask_ratio"]),
        ("node", "Node floor", GOALS["node_ratio"]),
    ):
        measured = [(n, rat[n][floor]) for n in sizes if rat[n].get(floor) is not None]
        missed = [n for n, value in measured if value > limit]
        if not measured:
            met = "—"
        elif missed:
            met = "MISSED at N=" + ", ".join(f"{n:,}" for n in missed)
        else:
            met = "met"
        rows.append(
            (
                f"fan-out p99 within {limit}x of the {name}, same run",
                ", ".join(f"N={n:,}: {value:.2f}x" for n, value in measured),
                met,
            )
        )
    clock = [
        (n, table[(n, "attune")]["clock"])
        for n in sizes
        if (n, "attune") in table and "clock" in table[(n, "attune")]
    ]
    if clock:
        worst = max(c["error_p99_ms"] or 0 for _n, c in clock)
        rows.append(
            (
                f"timer estimate error p99 <= {GOALS['clock_p99_ms']:.0f} ms",
                ", ".join(f"N={n:,}: {_ms(c['error_p99_ms'])} ms" for n, c in clock),
                "met" if worst <= GOALS["clock_p99_ms"] else "MISSED",
            )
        )
    burst = table.get((GOALS["burst_n"], "attune"), {}).get("burst")
    if burst:
        ok = (
            burst["acked"] == burst["phones"]
            and burst["db_rows"] == burst["acked"]
            and burst["acked_not_stored"] == 0
            and (burst["ack_p99_ms"] or 0) <= GOALS["burst_p99_ms"]
        )
        rows.append(
            (
                "2,000 answers in a second: all acked and stored, ack p99 <= 500 ms",
                f"{burst['acked']:,}/{burst['phones']:,} acked, {burst['db_rows']:,} rows, "
                f"p99 {_ms(burst['ack_p99_ms'])} ms",
                "met" if ok else "MISSED",
            )
        )
    join = table.get((GOALS["join_n"], "attune"), {}).get("join")
    if join:
        ok = join["failures"] == 0 and join["window_s"] <= GOALS["join_window_s"]
        rows.append(
            (
                "2,000 joins in 10 s, no failure",
                f"{join['failures']} failed over {join['window_s']:.0f} s, first state p99 "
                f"{_ms(join['first_state_p99_ms'])} ms",
                "met" if ok else "MISSED",
            )
        )
    memory = [
        (n, table[(n, "attune")]["memory"]["kb_per_phone"]) for n in sizes if (n, "attune") in table
    ]
    if memory:
        worst = max(kb for _n, kb in memory)
        rows.append(
            (
                "<= 100 KB of server memory per connected phone",
                ", ".join(f"N={n:,}: {kb:.0f} KB" for n, kb in memory),
                "met" if worst <= GOALS["kb_per_phone"] else "MISSED",
            )
        )
    return rows


def markdown(results: list[dict], meta: dict) -> str:
    """The whole report."""
    lines = [
        f"# Attune load benchmark, {meta['date']}",
        "",
        f"Machine: {meta['machine']}. Command: `{meta['command']}` "
        f"({meta['duration_s']:.0f} s). Load average before / after: {meta['load_before']} / "
        f"{meta['load_after']}.",
        f"Server pinned to CPU {meta['server_cpus']}, generator ({meta['workers']} processes "
        f"+ coordinator) to CPU {meta['generator_cpus']}. Times are kernel receive timestamps "
        "(SO_TIMESTAMPNS) on the phones' sockets.",
        "",
        "## Side by side",
        "",
        "Fan-out: facilitator sends `command next` -> each phone has the new `state` "
        f"({meta['steps']} steps; p50/p99 pooled over every delivery, and the median of the "
        "steps' own p99). Join: N phones spread evenly over "
        f"{meta['join_window']:.0f} s; time from connect() to the first `state`. The floors "
        f"send Attune's own participant views ({meta['state_bytes']} bytes per `state` frame "
        "at most).",
        "",
        "| N | server | joins failed | first state p50 / p99 ms | fan-out p50 / p99 ms | "
        "median step's p99 ms | last phone ms (median / worst step) | missed | "
        "p99 vs floor | KB / phone | open files / phone |",
        "| --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
    ]
    rat = ratios(results)
    for r in results:
        if "error" in r:
            lines.append(f"| {r['n']:,} | {r['target']} | error: {r['error']} | | | | | | | | |")
            continue
        f, j, m = r["fanout"], r["join"], r["memory"]
        if r["kind"] == "attune":
            parts = []
            for floor, short in (("flask", "Flask"), ("node", "Node")):
                value = rat.get(r["n"], {}).get(floor)
                if value is not None:
                    parts.append(f"{value:.2f}x {short}")
            ratio = ", ".join(parts) or "—"
        else:
            ratio = "—"
        lines.append(
            f"| {r['n']:,} | {r['target']} | {j['failures']} | "
            f"{_ms(j['first_state_p50_ms'])} / {_ms(j['first_state_p99_ms'])} | "
            f"{_ms(f['p50_ms'])} / {_ms(f['p99_ms'])} | {_ms(f['step_p99_median_ms'])} | "
            f"{_ms(f['last_median_ms'])} / {_ms(f['last_max_ms'])} | {f['misses']} | {ratio} | "
            f"{m['kb_per_phone']:.0f} | {_ms(m.get('fds_per_phone'), 2)} |"
        )
    attune = [r for r in results if r.get("kind") == "attune" and "error" not in r]
    delivered = [
        f"N={r['n']:,}: {b['direct']:,} written directly, {b['queued']:,} through the queue, "
        f"{b['cut']} cut"
        for r in attune
        if (b := r.get("broadcasts"))
    ]
    if delivered:
        lines += [
            "",
            "Attune's broadcasts up to the end of the fan-out (`/healthz`; fanout.py writes one "
            "pre-framed message to each idle websocket, the rest go through engine.io's "
            "queue): " + "; ".join(delivered) + ".",
        ]
    if attune:
        lines += [
            "",
            "## Attune only: timer agreement and answer burst",
            "",
            "Clock: phones' clocks offset by up to ±1 h; each syncs as the phone page does, "
            f"{meta['clock_samples']} `clock` round trips "
            + (
                f"{meta['clock_gap']:g} s apart "
                if meta.get("clock_gap")
                else "one after the other "
            )
            + "(phones start "
            f"{meta['clock_rate']:.0f} a second); offset from the fastest round trip (and, "
            "as the page keeps it, the middle of where every round trip's bounds overlap). "
            "Error = estimate minus the injected offset. Burst: every phone answers "
            + _burst_answers(attune)
            + " within one second; rows read from the database file afterwards.",
            "",
            "| N | clock error p50 / p99 / max ms | page's estimate p99 ms | best RTT p99 ms | "
            "answers acked / sent | rows in DB | acked but not stored | ack p50 / p99 ms | "
            "answers/s |",
            "| --: | --: | --: | --: | --: | --: | --: | --: | --: |",
        ]
        for r in attune:
            c = r.get("clock") or {}
            b = r.get("burst") or {}
            lines.append(
                f"| {r['n']:,} | {_ms(c.get('error_p50_ms'), 2)} / "
                f"{_ms(c.get('error_p99_ms'), 2)} / {_ms(c.get('error_max_ms'), 2)} | "
                f"{_ms(c.get('error_page_p99_ms'), 2)} | {_ms(c.get('best_rtt_p99_ms'))} | "
                f"{b.get('acked', 0):,} / {b.get('sent', 0):,} | "
                f"{b.get('db_rows', 0):,} | {b.get('acked_not_stored', 0)} | "
                f"{_ms(b.get('ack_p50_ms'))} / {_ms(b.get('ack_p99_ms'))} | "
                f"{b.get('answers_per_s', 0):,.0f} |"
            )
        early = []
        for r in attune:
            c = r.get("clock") or {}
            if "server_us_per_round_trip" not in c:
                continue
            counts = c.get("answered_early")
            how = (
                f"{counts['direct']:,} answered where read and written directly, "
                f"{counts['queued']:,} through the queue, "
                + ("halfway stamps" if counts.get("halfway") else "no kernel stamps")
                if counts
                else "all through the Socket.IO event path"
            )
            early.append(
                f"N={r['n']:,}: {c['round_trips']:,} round trips, server CPU "
                f"{c['server_us_per_round_trip']:.0f} µs each; {how}"
            )
        if early:
            lines += [
                "",
                "Clock pings (fastclock.py, `/healthz` after the clock phase): "
                + "; ".join(early)
                + ".",
            ]
    lines += ["", "## Goals", "", "| goal | measured | |", "| --- | --- | --- |"]
    for goal, measured, met in goals(results):
        lines.append(f"| {goal} | {measured} | {met} |")
    page = meta.get("page")
    lines += ["", "## Phone page, cold load", ""]
    if page is None:
        lines.append("Not measured.")
    elif not page["ok"] and page.get("reason"):
        lines.append(f"Not measurable yet: {page['reason']} ({page['total_bytes']:,} bytes).")
    else:
        listing = ", ".join(
            f"{f['url']} {f['bytes']:,}{' ' + f['encoding'] if f.get('encoding') else ''}"
            for f in page["files"]
        )
        lines.append(
            f"**{page['total_bytes']:,} bytes** over the wire, headers included, for "
            f"{len(page['files'])} requests asked with `Accept-Encoding: gzip, deflate, br` "
            f"({page.get('header_bytes', 0):,} of them status lines and headers; "
            f"{page.get('plain_bytes', 0):,} bytes of content uncompressed): {listing}."
        )
    disturbed = [
        f"N={r['n']:,} {r['target']} ({noise(r) * 100:.0f}%)"
        for r in results
        if "error" not in r and noise(r) > 0.15
    ]
    lines += [
        "",
        "## Generator check",
        "",
        "During the fan-out steps: CPU of the server and of each generator process (share of "
        "one core), how late the generator read a state after the kernel stamped it (p99; "
        "this would have been added to every figure with userspace timestamps), and the worst "
        "lateness of a 10 ms timer on the generator loops. Noise: busy time of the server's "
        "core that was not the server (other processes, interrupts such as loopback delivery) "
        "and time stolen by the hypervisor.",
        "",
        "| N | server | server CPU | generator CPU per process | read lag p99 ms | "
        "loop lag max ms | kernel stamps missing | other load on server core (fan-out / worst "
        "phase) | steal |",
        "| --: | --- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for r in results:
        if "error" in r:
            continue
        p, f = r["fanout_phase"], r["fanout"]
        gen = ", ".join(f"{g * 100:.0f}%" for g in p["generator_cpu"])
        lines.append(
            f"| {r['n']:,} | {r['target']} | {p['server_cpu'] * 100:.0f}% | {gen} | "
            f"{_ms(f['read_lag_p99_ms'])} | {_ms(p['lag_ms'])} | {f['no_kernel_stamp']} | "
            f"{_pct(p.get('foreign_cpu'))} / {_pct(noise(r))} | {_pct(p.get('steal'))} |"
        )
    if disturbed:
        lines += [
            "",
            "**Disturbed:** other processes took over 15% of the server's core during a "
            "phase of " + ", ".join(disturbed) + "; compare those rows with care, or "
            "re-run on a quiet machine.",
        ]
    return "\n".join(lines) + "\n"
