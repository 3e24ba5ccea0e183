"""示范县: a generated demo county with realistic people, for `rencai demo` and the benchmarks."""
