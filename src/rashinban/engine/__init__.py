"""Features, RFM and KPIs as Ibis expressions on the workspace backend."""

from rashinban.engine._asof import ACTIVITY_DATES, data_end_date
from rashinban.engine._profile import profile, profile_table

__all__ = ["ACTIVITY_DATES", "data_end_date", "profile", "profile_table"]
