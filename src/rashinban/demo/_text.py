"""Japanese text templates for notes, tickets and NPS comments.

Templates with ``{slot}`` placeholders are expanded once into pools of filled
sentences (every combination of the slot values); rows then draw sentence
indices with numpy and concatenate, so text for a million rows costs a few
array operations and stays deterministic.
"""

from __future__ import annotations

import itertools
import string

import numpy as np

_SLOTS: dict[str, tuple[str, ...]] = {
    "title": ("部長", "課長", "情報システム部の担当者", "経営企画室長", "現場リーダー"),
    "dept": ("情報システム部", "経理部", "製造部", "営業部", "総務部"),
    "n": ("3", "5", "10", "20"),
    "month": ("来月", "再来月", "来期", "年度末"),
    "feature": ("ダッシュボード", "ワークフロー", "権限設定", "CSV取込", "帳票出力"),
}


def expand(templates: tuple[str, ...]) -> np.ndarray:
    """All fillings of ``templates`` with the slot values, as an object array.

    Examples
    --------
    >>> list(expand(("{n}名が参加。",)))[:2]
    ['3名が参加。', '5名が参加。']
    """
    out: list[str] = []
    for tpl in templates:
        names = [f[1] for f in string.Formatter().parse(tpl) if f[1]]
        if not names:
            out.append(tpl)
            continue
        for combo in itertools.product(*(_SLOTS[k] for k in names)):
            out.append(tpl.format(**dict(zip(names, combo, strict=True))))
    return np.array(out, dtype=object)


def draw(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """``n`` sentences drawn uniformly from ``pool``."""
    return pool[rng.integers(0, len(pool), size=n)]


def choose(rng: np.random.Generator, group: np.ndarray, pools: list[np.ndarray]) -> np.ndarray:
    """For each row, one sentence from ``pools[group[row]]``."""
    out = np.empty(len(group), dtype=object)
    for g, pool in enumerate(pools):
        rows = np.flatnonzero(group == g)
        if rows.size:
            out[rows] = draw(rng, pool, rows.size)
    return out


# --- interview / meeting notes ---------------------------------------------------

OPENING = expand(
    (
        "{title}にヒアリングを実施。",
        "初回訪問。{dept}の{title}と面談した。",
        "オンラインで60分のヒアリング。先方は{title}。",
        "{dept}の方から現状の課題を伺った。",
        "展示会で名刺交換した{title}と打ち合わせ。",
    )
)

#: Theme sentences by theme group (ideal, retail, ict, other) — see PLANTED.themes.
THEMES: dict[str, np.ndarray] = {
    "ideal": expand(
        (
            "生産計画をExcelで管理しており、担当者が変わると引き継ぎができない状態。",
            "在庫の数字が拠点ごとにばらばらで、月末にならないと全体が見えないとのこと。",
            "在庫と生産計画をリアルタイムで可視化したいという要望が強い。",
            "Excel管理からの脱却が経営層のテーマになっている。",
            "以前に別のツールを入れたが現場に定着しなかった経験があり、使いやすさを重視している。",
            "現場への定着支援があるかどうかを気にされていた。",
            "工場ごとの生産計画の進捗を一画面で可視化したいとのこと。",
            "Excelのマクロが属人化しており、作った人しか直せない。在庫表も同様。",
            "現場の{n}名が毎日入力できるか、定着のイメージを知りたいとのこと。",
        )
    ),
    "retail": expand(
        (
            "インボイス制度への対応が急務で、請求書の様式を見直している。",
            "紙の請求書が月に数百枚あり、電子化したいとのこと。",
            "経理の工数削減が最優先。締め作業に毎月3日かかっている。",
            "電子帳簿保存法の要件を満たす請求書の保存方法を探している。",
            "取引先ごとに請求書の形式が違い、経理担当の工数が大きい。",
            "適格請求書の登録番号の管理に不安があるとのこと。",
            "請求書の電子化と経理の工数削減を同時に進めたい意向。",
        )
    ),
    "ict": expand(
        (
            "既存の社内システムとのAPI連携が必須条件。",
            "APIのドキュメントとサンドボックス環境の有無を確認された。",
            "開発者体験を重視しており、SDKやWebhookの対応を細かく質問された。",
            "自社サービスとAPIで連携して顧客向けに提供したい考え。",
            "開発チームがAPI連携で入力作業を自動化したいと話している。",
            "APIのレート制限と開発者向けドキュメントの充実度を気にしている。",
        )
    ),
    "other": expand(
        (
            "まずはコスト削減が第一で、現行ツールより安くなるかを気にされている。",
            "価格が合えば前向きに検討したいとのこと。",
            "ライセンス費用をもう少し下げられないか相談された。",
            "複数のツールを統合してコストを削減したい。",
            "予算が限られており、価格次第という印象。",
            "他社と価格を比較検討中。コスト削減の効果を数字で示してほしいとのこと。",
        )
    ),
}

#: Retail sentences that only appear after the regulation event.
RETAIL_AFTER_EVENT = expand(
    (
        "義務化への対応期限が迫っており、今期中に導入を決めたいとのこと。",
        "インボイス制度と電子帳簿保存法の義務化で、経理の工数が一気に増えたと嘆いていた。",
        "義務化を受けて請求書の電子化を社長が指示したそうだ。",
    )
)

NEUTRAL = expand(
    (
        "社内の関係者は{n}名ほど。",
        "{month}の予算策定に合わせて検討したいとのこと。",
        "決裁は{title}が行う。",
        "基幹システムは自社開発のものを使っている。",
        "現在は無料のツールを併用している。",
        "導入時期はまだ決まっていない。",
        "情報システム部の人数は少なく、運用の手間を減らしたい。",
        "",
        "",
    )
)

NEXT_STEP = expand(
    (
        "次回、デモを実施予定。",
        "見積を提出する。",
        "トライアルのアカウントを発行した。",
        "導入事例の資料を送付する。",
        "次回は{dept}の方も同席予定。",
        "{month}に再度連絡する。",
    )
)

MEETING = expand(
    (
        "定例会を実施。利用状況を共有した。",
        "四半期の振り返り。{feature}の使い方について質問があった。",
        "定例会。{dept}でも使いたいという声が出ている。",
        "利用状況の確認。{feature}の改善要望を受けた。",
        "担当者と打ち合わせ。大きな問題はなさそう。",
    )
)
MEETING_UPGRADE = expand(
    (
        "ユーザー数がプランの上限に近づいており、上位プランへの変更を検討中。",
        "利用者が増えてライセンスが足りなくなりそうとのこと。プラン変更の見積を依頼された。",
    )
)
MEETING_MIDDLE = expand(
    (
        "利用者が{n}名ほど増えた。",
        "{feature}の活用方法を提案した。",
        "次の四半期の目標を確認した。",
        "新任の担当者を紹介された。",
        "{dept}から追加の要望が出ている。",
        "操作研修の追加を相談された。",
        "",
    )
)
MEETING_TAIL = expand(("次回は3か月後。", "次回は{month}。", "議事録を共有済み。", ""))

# --- win / loss notes --------------------------------------------------------------

WIN_OPEN = expand(("受注。", "受注が決まった。", "正式に受注の連絡をいただいた。"))
WIN_REASON = expand(
    (
        "決め手は現場でも使いやすい画面だった。",
        "在庫の可視化機能を高く評価いただいた。",
        "導入支援の手厚さが決め手になった。",
        "API連携の柔軟さが評価された。",
        "インボイス対応の早さが決め手。",
        "価格と機能のバランスが良いとの評価。",
        "{title}がデモを見て即決した。",
    )
)
WIN_COMPETITOR = {
    "アルファクラウド": expand(("アルファクラウドの方が安かったが、機能の差で選ばれた。",)),
    "ベータシステムズ": expand(("ベータシステムズとの比較で、操作性が勝った。",)),
    "ガンマソフト": expand(
        (
            "ガンマソフトと比較されたが、機能面で大きく上回った。",
            "ガンマソフトはサポート体制に不安があり、当社に決まった。",
        )
    ),
}
LOSS_OPEN = expand(("失注。", "残念ながら失注。", "今回は見送りとの連絡。"))
LOSS_REASON_TEXT = {
    "価格が高い": expand(
        (
            "価格が高いという評価。月額の差が大きかった。",
            "機能は評価されたが、価格が予算に合わなかった。",
        )
    ),
    "機能不足": expand(("必要な機能が足りないという判断。", "{feature}の機能不足を指摘された。")),
    "競合に決定": expand(("競合製品に決まった。", "他社に決定したとのこと。")),
    "時期尚早": expand(
        ("まだ導入の時期ではないという判断。", "社内の体制が整っておらず時期尚早とのこと。")
    ),
    "予算不足": expand(("今期は予算が確保できなかった。", "予算不足で来期に再検討。")),
}
LOSS_COMPETITOR = {
    "アルファクラウド": expand(
        (
            "アルファクラウドの方が月額が安く、価格で負けた。",
            "アルファクラウドが大幅な値引きを提示してきた。",
        )
    ),
    "ベータシステムズ": expand(("ベータシステムズの方が機能が細かく、機能面で負けた。",)),
    "ガンマソフト": expand(("ガンマソフトに決まったが、理由は明かされなかった。",)),
}
WIN_REFLECTION = expand(
    (
        "早い段階で決裁者に会えたのが大きかった。",
        "導入事例を見せたことが効いた。",
        "紹介元の顧客の声が効いた。",
        "トライアルで現場の評価を得られた。",
        "",
    )
)
LOSS_REFLECTION = expand(
    (
        "次回は早い段階で決裁者に会うべきだった。",
        "導入事例をもっと早く見せるべきだった。",
        "先方の予算時期を把握できていなかった。",
        "{month}に改めて提案したい。",
        "",
    )
)

# --- tickets -------------------------------------------------------------------------

TICKET: dict[str, np.ndarray] = {
    "操作方法": expand(
        (
            "{feature}の設定方法を教えてください。",
            "{feature}で絞り込みをする手順が分かりません。",
            "新しく入った{n}名のユーザーの登録方法を知りたいです。",
        )
    ),
    "不具合": expand(
        (
            "{feature}を開くとエラーが表示されます。確認をお願いします。",
            "{feature}の画面が表示されるまで時間がかかります。",
            "CSV取込で文字化けが発生しています。",
        )
    ),
    "機能要望": expand(
        (
            "{feature}に項目を追加できるようにしてほしいです。",
            "スマートフォンからも{feature}を使えるようにしてほしい。",
        )
    ),
    "アカウント・権限": expand(
        (
            "退職者のアカウントを停止したいです。",
            "{dept}のユーザーにだけ{feature}の権限を付けたいです。",
            "パスワードを忘れたユーザーがいます。",
        )
    ),
    "請求・契約": expand(
        (
            "請求書の宛名を変更したいです。",
            "ユーザー数を{n}名追加した場合の料金を教えてください。",
            "契約更新の時期を確認したいです。",
        )
    ),
    "連携・API": expand(
        (
            "APIの認証でエラーになります。",
            "Webhookが届かないことがあります。",
            "API連携の仕様書はどこにありますか。",
        )
    ),
}

#: Planted churn tickets: urgent, unresolved, repeated.
TICKET_CHURN = expand(
    (
        "先月から同じ不具合が続いており、業務に支障が出ています。至急対応してください。",
        "データ連携が止まったままです。何度も問い合わせていますが解決していません。",
        "{feature}が使えない状態が続いています。このままでは利用の継続を検討せざるを得ません。",
        "{n}名のユーザーがログインできません。至急確認をお願いします。",
    )
)

# --- NPS comments ---------------------------------------------------------------------

NPS_POSITIVE = expand(
    (
        "サポートの対応が早くて助かっています。",
        "画面が分かりやすく、現場にもすぐ定着しました。",
        "在庫がリアルタイムで見えるようになり、とても便利です。",
        "導入してから月末の作業がかなり楽になりました。",
        "機能が充実していて満足しています。",
        "動作が軽快でストレスがありません。",
        "他の部署にも勧めたいと思います。",
        "API連携がスムーズで助かっています。",
        "{feature}のおかげで作業時間が減りました。",
        "担当の方の提案が的確で、信頼しています。",
    )
)
NPS_NEGATIVE = expand(
    (
        "サポートの返信が遅く、困っています。",
        "画面が分かりにくく、現場で使われていません。",
        "動作が重く、ストレスを感じます。",
        "価格に見合った価値を感じられません。",
        "不具合が多く、業務に支障が出ています。",
        "問い合わせても解決しないことが多いです。",
        "機能が足りず、結局Excelを併用しています。",
        "解約も検討しています。",
        "{feature}が使いにくく、作業時間がかえって増えました。",
        "担当者が変わってから対応が悪くなりました。",
    )
)
NPS_NEUTRAL = expand(
    (
        "特に大きな不満はありません。",
        "まだ使い始めたばかりです。",
        "機能は一通り使っています。",
        "価格は標準的だと思います。",
        "サポートはたまに利用します。",
        "{feature}を中心に使っています。",
    )
)
#: Mild reservations (shared vocabulary with the negative pool, softer wording).
NPS_MILD_NEGATIVE = expand(
    (
        "ただ、価格はもう少し安いと嬉しいです。",
        "ただ、動作が少し重いときがあります。",
        "一部の機能は分かりにくいです。",
        "サポートの返信がもう少し早いと助かります。",
    )
)
NPS_MILD_POSITIVE = expand(
    (
        "画面のデザインは良いと思います。",
        "担当の方は丁寧です。",
        "基本的な機能は便利です。",
    )
)
