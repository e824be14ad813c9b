"""The `qsg` command line: a thin layer over qsgrules.api."""
