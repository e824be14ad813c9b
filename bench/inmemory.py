"""A synthetic workspace built in memory, for sizes today's loader cannot hold.

The same generator as `qsg synth` (``qsgrules.synth.series`` and ``.soft``, the same seed
discipline and block size, so the same numbers as the CSV files), put straight into a
``Workspace`` without writing or reading CSV: it measures every stage after loading at
30,000 providers while the loader needs about 0.9 MB per provider.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from qsgrules.indicators import CATALOGUE
from qsgrules.synth import BLOCK, series, soft
from qsgrules.synth.series import TYPES
from qsgrules.workspace import Member, Observations, Provider, SoftItem, Workspace
from qsgrules.workspace.members import NATIONAL_MEMBERS

END = 2019 * 12 + 2  # 2019-03, qsg synth's default


def workspace(providers: int, months: int, items: int, seed: int) -> Workspace:
    streams = np.random.SeedSequence(seed).spawn(3)
    who = series.providers(providers, np.random.default_rng(streams[0]))
    first = END - months + 1
    month_of_year = np.arange(first, END + 1, dtype=np.int64) % 12
    blocks = np.random.default_rng(streams[1])
    n_ind = len(CATALOGUE)
    values, nums, dens = [], [], []
    concern = np.zeros(providers)
    for lo in range(0, providers, BLOCK):
        hi = min(providers, lo + BLOCK)
        made = series.block(who.size[lo:hi], month_of_year, blocks)
        towards = (made.anomaly > 0) & (made.shift * series.CONCERN_SIGN[None, :] > 0)
        concern[lo:hi] = towards.mean(axis=1)
        values.append(made.value.reshape(-1))
        nums.append(made.numerator.reshape(-1))
        dens.append(made.denominator.reshape(-1))
    p_idx = np.repeat(np.arange(providers, dtype=np.int64), n_ind * months)
    i_idx = np.tile(np.repeat(np.arange(n_ind, dtype=np.int64), months), providers)
    period = np.tile(np.arange(first, END + 1, dtype=np.int64), providers * n_ind)
    obs = Observations.from_columns(
        np.array(who.codes)[p_idx],
        np.array([i.id for i in CATALOGUE])[i_idx],
        period,
        np.concatenate(values),
        np.concatenate(nums),
        np.concatenate(dens),
    )
    year, month = divmod(END + 1, 12)
    end_day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    generated = soft.items(
        items, who.codes, who.qsg, who.qsg_names, concern, who.size, end_day,
        np.random.default_rng(streams[2]),
    )  # fmt: skip
    intelligence = tuple(
        SoftItem.model_validate(
            {k: v for k, v in zip(soft.COLUMNS, row, strict=True) if v}, strict=False
        )
        for row in generated.rows
    )
    members: dict[str, Member] = {n: Member(n, "national", t) for n, t in NATIONAL_MEMBERS.items()}
    members.update({n: Member(n, kind, n) for n, kind in soft.members(who.qsg_names)})
    provider_models: dict[str, Provider] = {
        code: Provider(code=code, name=name, type=TYPES[t], qsg=who.qsg_names[q])
        for code, name, t, q in zip(
            who.codes, who.names, who.types.tolist(), who.qsg.tolist(), strict=True
        )
    }
    return Workspace("<in memory>", provider_models, obs, intelligence, members=members)
