"""What the tests and the benchmarks share, so that neither imports the other.

- `live`: a real kiosk process (`python app.py` on a free port), a Socket.IO client, phone ids;
- `wire`: raw websocket phones (the upgrade, frames, Engine.IO and Socket.IO by hand);
- `load`: the load run (a server, the generator's phones, the phases and their figures), with
  `phones`, the generator's process;
- `services`, `postgres`: Redis, nginx and PostgreSQL started for a run and thrown away;
- `pages`: what a page loads (its scripts, the modules they import, styles, icons).

tests/ holds the tests and their fixtures, bench/ the benchmark programs; both import from
here, never from each other (tests/unit/test_harness_imports.py checks it).
"""
