"""Demo and synthetic data, at the top of the layers: the one place that builds data across every app.

- `community`: the demo community 孙家下庄社区 that `fangkong demo` loads (registry, working group,
  policy, then `gates` and `screening` for passes, the roster, scans, screening rounds, returnees and
  observation);
- `seed`: a synthetic district for benchmarks (`fangkong seed`);
- `synthetic`: the deterministic generator of names, ID numbers, phones and households they share.

Everything goes in through the apps' real services, so the demo exercises the same code as production."""
