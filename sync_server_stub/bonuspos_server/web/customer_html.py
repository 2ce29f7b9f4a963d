"""The customers' page as HTML: plain forms, one stylesheet, no script.

Every value is escaped here, so a page holds no markup it was not written with; the
stylesheet is served from the page's own path, so the Content-Security-Policy allows no
inline style or script at all.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bonuspos.domain.money import Points
from bonuspos_server.feeds.own_card import OwnCard, Purchase

MONTHS = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

STYLE = """
:root { color-scheme: light; --ink: #1d2430; --soft: #5b6473; --line: #d9dee6;
  --brand: #0b6e4f; --warn: #a1260d; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 18px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #f4f6f8; }
header { background: var(--brand); color: #fff; padding: 14px 20px; }
header h1 { margin: 0; font-size: 22px; }
main { max-width: 560px; margin: 0 auto; padding: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 12px;
  padding: 16px 18px; margin: 0 0 16px; }
h2 { font-size: 19px; margin: 0 0 10px; }
p { margin: 0 0 12px; }
.soft { color: var(--soft); font-size: 16px; }
.balance { font-size: 40px; font-weight: 700; margin: 4px 0 2px; }
label { display: block; font-weight: 600; margin: 0 0 6px; }
input[type=tel], input[type=text] { width: 100%; font-size: 22px; padding: 12px 14px;
  border: 2px solid var(--line); border-radius: 10px; min-height: 52px; }
input, button { font-family: inherit; }
input:focus { outline: 3px solid #7cc4a8; border-color: var(--brand); }
button { display: block; width: 100%; min-height: 52px; margin: 14px 0 0; font-size: 19px;
  font-weight: 600; border: 0; border-radius: 10px; background: var(--brand); color: #fff; }
button.quiet { background: #fff; color: var(--brand); border: 2px solid var(--brand); }
a { color: var(--brand); display: inline-block; padding: 10px 0; min-height: 44px; }
.error { color: var(--warn); font-weight: 600; }
ul { list-style: none; margin: 0; padding: 0; }
li { border-top: 1px solid var(--line); padding: 10px 0; }
li:first-child { border-top: 0; padding-top: 0; }
.row { display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; }
.plus { color: var(--brand); font-weight: 600; }
.minus { color: var(--warn); font-weight: 600; }
"""


def day_text(day: date) -> str:
    """`3 декабря 2026`: the store day as a customer says it, never broken across lines."""
    return f"{day.day}\u00a0{MONTHS[day.month - 1]}\u00a0{day.year}"


def _points(points: Points) -> str:
    return escape(f"{points.number()}\u00a0б.")


def _page(title: str, body: str, *, status_line: str = "") -> str:
    return f"""<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)} — бонусная карта</title>
<link rel="stylesheet" href="page.css">
</head>
<body>
<header><h1>Моя бонусная карта</h1></header>
<main>
{status_line}{body}
</main>
</body>
</html>
"""


def _error(message: str) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>\n' if message else ""


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="csrf" value="{escape(token)}">'


def phone_form(csrf: str, message: str = "", phone: str = "") -> str:
    return _page(
        "Вход",
        f"""<section>
<h2>Баллы и покупки</h2>
<p>Введите номер телефона, на который оформлена карта. Мы пришлём СМС с кодом для входа.</p>
{_error(message)}<form method="post" action="code-request">
{_csrf(csrf)}
<label for="phone">Номер телефона</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
 placeholder="+375 29 123-45-67" value="{escape(phone)}" maxlength="32" required>
<button type="submit">Получить код</button>
</form>
</section>""",
    )


def code_form(csrf: str, masked_phone: str, message: str = "") -> str:
    return _page(
        "Код из СМС",
        f"""<section>
<h2>Код из СМС</h2>
<p>Если номер {escape(masked_phone)} участвует в программе, на него отправлен код.
Код действует несколько минут и подходит один раз.</p>
{_error(message)}<form method="post" action="code">
{_csrf(csrf)}
<label for="code">Код</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
 pattern="[0-9]*" maxlength="12" required autofocus>
<button type="submit">Войти</button>
</form>
<p><a href="./">Ввести другой номер</a></p>
</section>""",
    )


def too_many(minutes: int) -> str:
    return _page(
        "Слишком много попыток",
        f"""<section>
<h2>Слишком много попыток</h2>
<p class="error" role="alert">Попробуйте снова через {minutes}\u00a0мин.</p>
<p><a href="./">На главную</a></p>
</section>""",
    )


def card_page(csrf: str, card: OwnCard) -> str:
    if card.pending:
        items = "\n".join(
            f'<li class="row"><span class="plus">+{_points(p.points)}</span>'
            f"<span>с {escape(day_text(p.active_from))}</span></li>"
            for p in card.pending
        )
        pending = f"<ul>\n{items}\n</ul>"
    else:
        pending = '<p class="soft">Нет баллов, ожидающих начисления.</p>'
    if card.purchases:
        bought = "<ul>\n" + "\n".join(_purchase(p) for p in card.purchases) + "\n</ul>"
    else:
        bought = '<p class="soft">Покупок с картой пока нет.</p>'
    return _page(
        "Баллы",
        f"""<section aria-labelledby="active">
<h2 id="active">Можно потратить</h2>
<p class="balance">{_points(card.active)}</p>
<p class="soft">Карта {escape(card.phone.masked())}. 1\u00a0балл\u00a0=\u00a01\u00a0рубль.</p>
</section>
<section aria-labelledby="pending">
<h2 id="pending">Скоро станут доступны</h2>
{pending}
</section>
<section aria-labelledby="purchases">
<h2 id="purchases">Последние покупки</h2>
{bought}
</section>
<form method="post" action="logout">
{_csrf(csrf)}
<button type="submit" class="quiet">Выйти</button>
</form>""",
    )


def _purchase(p: Purchase) -> str:
    points = []
    if p.earned:
        points.append(
            f'<span class="plus">начислено +{_points(p.earned)}</span>'
            f' <span class="soft">(с\u00a0{escape(day_text(p.activates_on))})</span>'
        )
    if p.spent:
        points.append(f'<span class="minus">списано −{_points(p.spent)}</span>')
    if p.taken_back or p.given_back:
        points.append(
            f'<span class="soft">возврат: снято {_points(p.taken_back)},'
            f" возвращено {_points(p.given_back)}</span>"
        )
    if not points:
        points.append('<span class="soft">без баллов</span>')
    return (
        f'<li><div class="row"><strong>{escape(day_text(p.day))}</strong>'
        f"<span>{escape(str(p.total))}</span></div>"
        f'<div class="soft">{escape(p.store)}</div>'
        f"<div>{'<br>'.join(points)}</div></li>"
    )
