"""Accounts and contacts: who the demo company's market is.

All arrays are indexed by account position ``0 … n-1``; dates are integer day
offsets from the start date until :mod:`rashinban.demo._generate` turns them into
calendar dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rashinban.demo._names import company_names, corporate_numbers, person_names, rep_names
from rashinban.demo._planted import PLANTED
from rashinban.demo._reference import DEPARTMENTS, INDUSTRIES, PREFECTURES, ROLE_TITLES, ROLES

SEG_OTHER, SEG_IDEAL, SEG_NEW = 0, 1, 2

_LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "医療法人", "一般社団法人")
# Kind codes of the 会社法人等番号 layout used for the 12-digit base.
_LEGAL_KIND = np.array([1, 2, 5, 10, 12])


@dataclass
class Accounts:
    """Account attributes as parallel numpy arrays (internal)."""

    n: int
    industry: np.ndarray  # index into INDUSTRIES
    employees: np.ndarray
    segment: np.ndarray  # SEG_*
    arrival: np.ndarray  # day offset of the first lead (= created_at)
    prefecture: np.ndarray  # index into PREFECTURES
    name: np.ndarray
    domain: np.ndarray
    legal_form: np.ndarray
    corporate_number: np.ndarray
    annual_revenue: np.ndarray
    founded_year: np.ndarray
    owner: np.ndarray  # rep names
    # contacts
    n_contacts: np.ndarray
    contact_offset: np.ndarray  # position of the account's first contact
    has_dm: np.ndarray


@dataclass
class Contacts:
    account: np.ndarray
    name: np.ndarray
    title: np.ndarray
    department: np.ndarray
    role: np.ndarray
    email: np.ndarray
    created: np.ndarray


def _arrivals(rng: np.random.Generator, segment: np.ndarray, days: int, ev: int) -> np.ndarray:
    """First-lead day of each account.

    Inbound demand grows over the years (density ∝ 1 + t/T, inverse-CDF
    sampled); the new segment's density triples after the market event.
    """
    n = len(segment)
    u = rng.random(n)
    t = days * (np.sqrt(1.0 + 3.0 * u) - 1.0)
    new = segment == SEG_NEW
    if 0 < ev < days and new.any():
        pre, post = ev, 3.0 * (days - ev)
        after = rng.random(n) < post / (pre + post)
        v = rng.random(n)
        t_new = np.where(after, ev + v * (days - ev), v * ev)
        t = np.where(new, t_new, t)
    return np.minimum(t.astype(np.int64), days - 1)


def make_accounts(rng: np.random.Generator, n: int, days: int, ev: int) -> Accounts:
    ind_w = np.array([i.weight for i in INDUSTRIES])
    industry = rng.choice(len(INDUSTRIES), size=n, p=ind_w / ind_w.sum())
    # Log-normal head counts (median ~70), the shape of Japanese SME size
    # distributions, clipped to the 10–5,000 range a B2B SaaS sells to.
    employees = np.clip(np.round(rng.lognormal(np.log(70), 1.25, size=n)), 10, 5000).astype(
        np.int64
    )
    ind_names = np.array([i.name for i in INDUSTRIES], dtype=object)[industry]
    ideal = np.isin(ind_names, PLANTED.ideal.industries) & (
        (employees >= PLANTED.ideal.employees_low) & (employees <= PLANTED.ideal.employees_high)
    )
    new = np.isin(ind_names, PLANTED.new_segment.industries) & (
        (employees >= PLANTED.new_segment.employees_low)
        & (employees <= PLANTED.new_segment.employees_high)
    )
    segment = np.where(ideal, SEG_IDEAL, np.where(new, SEG_NEW, SEG_OTHER))
    arrival = _arrivals(rng, segment, days, ev)
    pw = np.array([p[2] for p in PREFECTURES])
    prefecture = rng.choice(len(PREFECTURES), size=n, p=pw / pw.sum())
    name, domain = company_names(rng, industry)
    form_p = np.array([0.86, 0.07, 0.06, 0.0, 0.01])
    legal = rng.choice(len(_LEGAL_FORMS), size=n, p=form_p)
    medical = ind_names == "医療・福祉"
    legal = np.where(medical & (rng.random(n) < 0.4), 3, legal)
    corp = corporate_numbers(rng, _LEGAL_KIND[legal])
    corp[rng.random(n) < 0.06] = None  # not every CRM record carries its 法人番号
    rpe = np.array([i.revenue_per_employee for i in INDUSTRIES])[industry]
    revenue = np.round(employees * rpe * rng.lognormal(0.0, 0.35, size=n), -3)
    founded = np.clip(np.round(2024 - rng.gamma(2.0, 14.0, size=n)), 1900, 2023).astype(np.int64)
    # Founding years end in 2023 so that no company is founded after it enters the CRM.
    n_reps = max(8, min(400, n // 250))
    reps = rep_names(n_reps)
    owner = reps[rng.integers(0, n_reps, size=n)]
    lam = 0.3 + 0.4 * np.log10(employees)
    n_contacts = np.minimum(1 + rng.poisson(lam), 7)
    contact_offset = np.concatenate([[0], np.cumsum(n_contacts)[:-1]])
    return Accounts(
        n=n,
        industry=industry,
        employees=employees,
        segment=segment,
        arrival=arrival,
        prefecture=prefecture,
        name=name,
        domain=domain,
        legal_form=np.array(_LEGAL_FORMS, dtype=object)[legal],
        corporate_number=corp,
        annual_revenue=revenue,
        founded_year=founded,
        owner=owner,
        n_contacts=n_contacts,
        contact_offset=contact_offset,
        has_dm=np.zeros(n, dtype=bool),
    )


def make_contacts(rng: np.random.Generator, acc: Accounts, days: int) -> Contacts:
    """Contacts with buying roles; fills ``acc.has_dm`` as a side effect."""
    total = int(acc.n_contacts.sum())
    account = np.repeat(np.arange(acc.n), acc.n_contacts)
    within = np.arange(total) - acc.contact_offset[account]
    first = within == 0
    # The first contact (the one who came in with the first lead) is a
    # decision maker more often in the ideal segment; later contacts follow a
    # typical buying-committee mix.
    p_dm_first = np.where(acc.segment[account] == SEG_IDEAL, 0.40, 0.30)
    other_p = np.array([0.12, 0.30, 0.36, 0.14, 0.08])
    role = rng.choice(len(ROLES), size=total, p=other_p)
    first_roles = np.where(
        rng.random(total) < p_dm_first, 0, rng.choice([1, 2, 3], size=total, p=[0.5, 0.35, 0.15])
    )
    role = np.where(first, first_roles, role)
    has_dm = np.zeros(acc.n, dtype=bool)
    np.logical_or.at(has_dm, account, role == 0)
    acc.has_dm = has_dm
    titles = np.empty(total, dtype=object)
    pick = rng.random(total)
    for r, name in enumerate(ROLES):
        rows = role == r
        options = np.array(ROLE_TITLES[name], dtype=object)
        titles[rows] = options[(pick[rows] * len(options)).astype(np.int64)]
    dept = np.array(DEPARTMENTS, dtype=object)[rng.integers(0, len(DEPARTMENTS), size=total)]
    names, local = person_names(rng, total)
    email = local + "@" + acc.domain[account]
    created = acc.arrival[account] + np.where(first, 0, rng.integers(0, 31, size=total))
    created = np.minimum(created, days - 1)
    return Contacts(
        account=account,
        name=names,
        title=titles,
        department=dept,
        role=np.array(ROLES, dtype=object)[role],
        email=email,
        created=created,
    )
