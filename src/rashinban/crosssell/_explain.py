"""Why there is no offer: an account that is not a current customer, or too little evidence.

The ``crosssell`` command and the pipeline say these in words instead of showing
an empty list (or, worse, offers to a customer who has left).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

from rashinban._errors import InvalidValueError, NotEnoughDataError
from rashinban._labels import count_en
from rashinban.crosssell._baskets import (
    BUYER_DAYS,
    _date,
    baskets,
    customer_standing,
    customers,
    segment_label_en,
)
from rashinban.crosssell._recommend import MIN_EVIDENCE
from rashinban.crosssell._rules import _check_count, association_rules

__all__ = ["no_offer_error", "require_customer"]


def require_customer(backend: Any, as_of: dt.date | str, account_id: str) -> None:
    """Raise :class:`InvalidValueError` unless ``account_id`` is a current customer on ``as_of``.

    The message says where the account stands instead (churned, lapsed buyer,
    prospect) and the fix names what to run instead.
    """
    day = _date(as_of)
    where = customer_standing(backend, day, account_id)
    standing, since = where["standing"], where["since"]
    if standing == "customer":
        return
    head_ja = f"取引先 {account_id} は {day} 時点で現在の顧客ではありません"
    head_en = f"account {account_id} is not a current customer on {day}"
    tail_ja = "。クロスセルは現在の顧客だけに提案します"
    tail_en = "; cross-sell offers go to current customers only"
    if standing == "churned":
        before = since - dt.timedelta(days=1)
        why_ja, why_en = (
            f"（解約済み: 契約は {since} にすべて終了）",
            f" (churned: its last subscription ended on {since})",
        )
        fix = (
            "解約した顧客の呼び戻しは別の施策です。契約中だった頃の提案は "
            f"--as-of {before} で見られます / winning a churned customer back is a separate "
            f"motion; for the offers it had while a customer, use --as-of {before}"
        )
    elif standing == "lapsed":
        why_ja, why_en = (
            f"（{day} までの{BUYER_DAYS}日間に注文なし、最後の注文は {since}）",
            f" (no order in the {BUYER_DAYS} days up to {day}; the last was on {since})",
        )
        fix = (
            f"購入が続いていた頃の提案は --as-of {since} で見られます / "
            f"for the offers it had while buying, use --as-of {since}"
        )
    elif standing == "won":
        why_ja, why_en = (
            "（受注済みですが、注文・契約の記録がなく保有商品が分かりません）",
            " (it won a deal, but no order or subscription says what it owns)",
        )
        fix = (
            "この取引先の注文か契約を rashinban import で取り込んでください / "
            "import its orders or subscriptions with rashinban import"
        )
    else:
        why_ja, why_en = (
            "（見込み客: 購入・契約の履歴なし）",
            " (a prospect: no order or subscription)",
        )
        fix = (
            "見込み客の適合度は rashinban score --kind account で見られます / "
            "for a prospect's fit, use rashinban score --kind account"
        )
    raise InvalidValueError(
        f"{head_ja}{why_ja}{tail_ja} / {head_en}{why_en}{tail_en}", value=account_id, fix=fix
    )


@overload
def no_offer_error(
    backend: Any, as_of: dt.date | str, *, account_id: None = None, min_count: int = ...
) -> NotEnoughDataError: ...
@overload
def no_offer_error(
    backend: Any, as_of: dt.date | str, *, account_id: str | None, min_count: int = ...
) -> NotEnoughDataError | None: ...
def no_offer_error(
    backend: Any,
    as_of: dt.date | str,
    *,
    account_id: str | None = None,
    min_count: int = MIN_EVIDENCE,
) -> NotEnoughDataError | None:
    """The error that says why no offer could be made (to anyone, or to ``account_id``).

    Counts the evidence there is: current customers, the largest segment (or the
    account's own) and the most accounts owning one pair of products (pairs with
    something the account owns), against the ``min_count`` evidence needs. None
    when ``account_id`` already owns every product: nothing is missing from the data.
    """
    _check_count(min_count, "min_count", "根拠に必要な最少の社数", "fewest accounts as evidence")
    day = _date(as_of)
    c = customers(backend, day)
    cust = c.mutate(segment_en=segment_label_en(c.industry, c.band)).execute()
    owned = baskets(backend, day).select("account_id", "product_id")
    fix = (
        f"注文・契約の履歴をさらに取り込んでください（提案には同じセグメントの顧客か"
        f"2商品の併用の実績が{min_count}社以上必要です） / import more order and "
        f"subscription history (an offer needs {min_count} or more customers in the segment, "
        "or accounts owning both products)"
    )
    if cust.empty:
        return NotEnoughDataError(
            f"{day} 時点の現在の顧客が0社です / no current customer on {day}",
            fix="契約か注文を取り込むか、データの期間内の基準日を選んでください / "
            "import subscriptions or orders, or choose an as-of date inside the data",
        )
    sizes = cust.groupby("segment").size()
    pairs = association_rules(owned, min_count=1)
    if account_id is None:
        seg = int(sizes.max())
        pair = _max_or_zero(pairs.n_both.max().execute())
        who_ja = f"現在の顧客{len(cust):,}社、同じセグメント（業種×従業員規模）の顧客は最大{seg}社"
        pair_ja = f"同じ2商品を併用する取引先は最大{pair}社"
        who_en = f"{count_en(len(cust), 'current customer')}, at most {seg} in one segment"
        who_en += " (industry × size)"
        pair_en = f"at most {count_en(pair, 'account')} owning the same two products"
        to_ja, to_en = "", ""
    else:
        own = owned.filter(owned.account_id == account_id).select("product_id")
        lacking = owned.select("product_id").distinct().anti_join(own, "product_id")
        if int(lacking.count().execute()) == 0:
            return None
        mine = cust[cust["account_id"] == account_id].to_dict("records")
        segment = str(mine[0]["segment"]) if mine else ""
        seg = int(sizes.get(segment, 0))
        mine_pairs = pairs.semi_join(own.rename(antecedent="product_id"), "antecedent")
        mine_pairs = mine_pairs.anti_join(own.rename(consequent="product_id"), "consequent")
        pair = _max_or_zero(mine_pairs.n_both.max().execute())
        who_ja = f"同じセグメント（{segment}）の顧客は{seg}社"
        pair_ja = f"保有商品と併用の実績がある取引先は最大{pair}社"
        segment_en = str(mine[0]["segment_en"]) if mine else ""
        who_en = f"{count_en(seg, 'customer')} in its segment ({segment_en})"
        pair_en = f"at most {count_en(pair, 'account')} owning one of its products with another"
        to_ja, to_en = f"取引先 {account_id} への", f" to {account_id}"
    return NotEnoughDataError(
        f"{to_ja}提案の根拠となるデータが足りません: {who_ja}、{pair_ja}で、"
        f"根拠には{min_count}社以上が必要です / not enough data for an offer{to_en}: "
        f"{who_en} and {pair_en}; evidence needs {min_count} or more",
        fix=fix,
    )


def _max_or_zero(value: Any) -> int:
    return 0 if value is None or value != value else int(value)
