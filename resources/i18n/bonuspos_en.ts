<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="ru">
<context>
    <name>BonusPOS</name>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <source>Товар</source>
        <translation>Item</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <source>Кол-во</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <source>Цена</source>
        <translation>Price</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <source>Сумма</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <source>Баллы</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="60"/>
        <source>Штрихкод, артикул или название товара</source>
        <translation>Barcode, SKU or item name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="77"/>
        <source>Номер заказа</source>
        <translation>Order number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="97"/>
        <source>Провести · Enter</source>
        <translation>Complete · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="98"/>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="64"/>
        <source>Назад · Esc</source>
        <translation>Back · Esc</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="104"/>
        <source>Добавить · Enter</source>
        <translation>Add · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="106"/>
        <source>Оплата (F7):</source>
        <translation>Payment (F7):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="108"/>
        <source>Продажа (F8):</source>
        <translation>Sale type (F8):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="113"/>
        <source>Списать баллов (F6 — максимум):</source>
        <translation>Points to redeem (F6 — max):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="117"/>
        <source>Удалить строку · Del</source>
        <translation>Remove line · Del</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="118"/>
        <source>Списать максимум · F6</source>
        <translation>Redeem max · F6</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="119"/>
        <source>К оплате · F10</source>
        <translation>Pay · F10</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="120"/>
        <source>Отмена · Esc</source>
        <translation>Cancel · Esc</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="153"/>
        <source>Продажа без карты</source>
        <translation>Sale without card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="156"/>
        <source>{0} · доступно {1}</source>
        <translation>{0} · available {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="197"/>
        <source>Товар «{0}» не найден в каталоге</source>
        <translation>Item “{0}” not found in the catalog</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="255"/>
        <source>Без карты баллы не списываются и не начисляются</source>
        <translation>No card: points are neither redeemed nor earned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="259"/>
        <source>Можно списать до {0}: {1}</source>
        <translation>Up to {0} can be redeemed: {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="273"/>
        <source>Списать можно не больше {0} ({1})</source>
        <translation>No more than {0} can be redeemed ({1})</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="278"/>
        <source>Итого {0} · к оплате {1}</source>
        <translation>Total {0} · due {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="283"/>
        <source>Будет начислено {0}, доступны с {1}</source>
        <translation>Will earn {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="286"/>
        <source>За эту покупку баллы не начисляются</source>
        <translation>No points earned on this purchase</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="299"/>
        <source>Итого {0}</source>
        <translation>Total {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="300"/>
        <source>Оплата: {0}, {1}</source>
        <translation>Payment: {0}, {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="306"/>
        <source>Списать {0} с карты: {1}, {2}? Спросите фамилию покупателя</source>
        <translation>Redeem {0} from the card of {1}, {2}? Ask the customer&apos;s surname</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="311"/>
        <source>Начислим {0}, доступны с {1}</source>
        <translation>Earning {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="324"/>
        <source>Проводим продажу…</source>
        <translation>Completing the sale…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="340"/>
        <source>Продажа не проведена: {0}</source>
        <translation>Sale not completed: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="19"/>
        <source>Правила программы «Любимый покупатель»: карта — ваш номер телефона; за покупки начисляются баллы, указанные на ценнике; баллы становятся доступны на следующий день; баллами можно оплатить до 30% покупки (1 балл = 1 рубль); на акционные товары, покупки в кредит и в рассрочку баллы не начисляются и не списываются. Участвуют только физические лица.</source>
        <translation>“Favourite Customer” programme rules: your phone number is your card; purchases earn the points shown on the price tag; points become available the next day; points can pay for up to 30% of a purchase (1 point = 1 ruble); promotional items and purchases on credit or in instalments neither earn nor accept points. Private individuals only.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="38"/>
        <source>ГГГГ-ММ-ДД, по желанию</source>
        <translation>YYYY-MM-DD, optional</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="40"/>
        <source>по желанию: отсканируйте пластиковую карту</source>
        <translation>optional: scan a plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="41"/>
        <source>Покупатель согласен с правилами программы</source>
        <translation>The customer accepts the programme rules</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="43"/>
        <source>Покупатель — физическое лицо, не ИП и не организация</source>
        <translation>The customer is a private individual, not a sole trader or a company</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="53"/>
        <source>ФИО</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="54"/>
        <source>Телефон</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="55"/>
        <source>Эл. почта</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="56"/>
        <source>Дата рождения</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="60"/>
        <source>Пластиковая карта</source>
        <translation>Plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="63"/>
        <source>Оформить карту · F10</source>
        <translation>Issue card · F10</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="68"/>
        <source>Анкета участника программы</source>
        <translation>Programme sign-up form</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="35"/>
        <source>Карта покупателя</source>
        <translation>Customer card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="38"/>
        <source>Телефон или карта</source>
        <translation>Phone or card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="39"/>
        <source>Телефон, пластиковая карта или фамилия (заказ по телефону)</source>
        <translation>Phone, plastic card or surname (phone order)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="42"/>
        <source>Найти · Enter</source>
        <translation>Find · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="64"/>
        <source>Продажа с картой · Enter</source>
        <translation>Sale with card · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="65"/>
        <source>Оформить карту · F4</source>
        <translation>Issue card · F4</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="66"/>
        <source>Продажа без карты · F5</source>
        <translation>Sale without card · F5</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="97"/>
        <source>Доступно: {0} · телефон {1}</source>
        <translation>Available: {0} · phone {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="101"/>
        <source>Ожидают: {0}, станут доступны {1}</source>
        <translation>Pending: {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="106"/>
        <source>Ожидающих баллов нет</source>
        <translation>No pending points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="121"/>
        <source>Карта не найдена. Оформить новую? F4</source>
        <translation>Card not found. Issue a new one? F4</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="135"/>
        <source>Никого с таким именем нет</source>
        <translation>No one by that name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="138"/>
        <source>Показаны первые {0}: уточните имя</source>
        <translation>First {0} shown: type more of the name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/main_window.py" line="40"/>
        <source>BonusPOS — касса программы «Любимый покупатель»</source>
        <translation>BonusPOS — “Favourite Customer” programme till</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/main_window.py" line="43"/>
        <source>магазин {0}, касса {1}</source>
        <translation>store {0}, till {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/main_window.py" line="45"/>
        <source>касса без сервера</source>
        <translation>till without a server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="73"/>
        <source>Папка для чеков недоступна: {0}</source>
        <translation>Receipt folder unavailable: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="95"/>
        <location filename="../../src/bonuspos/ui/printing.py" line="97"/>
        <source>Не удалось записать чек в файл {0}</source>
        <translation>Could not save the receipt to {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="98"/>
        <source>Чек сохранён: {0}</source>
        <translation>Receipt saved: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="108"/>
        <source>Принтер по умолчанию не настроен</source>
        <translation>No default printer is set up</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="115"/>
        <source>Принтер {0} не принял чек</source>
        <translation>Printer {0} did not take the receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="116"/>
        <source>Чек отправлен на принтер {0}</source>
        <translation>Receipt sent to printer {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="130"/>
        <source>Не установлен python-escpos для чекового принтера</source>
        <translation>python-escpos is not installed for the receipt printer</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="136"/>
        <source>Чековый принтер не отвечает: {0}</source>
        <translation>Receipt printer not responding: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/printing.py" line="137"/>
        <source>Чек напечатан</source>
        <translation>Receipt printed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="33"/>
        <source>Новая продажа · Enter</source>
        <translation>New sale · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="34"/>
        <source>Печать ещё раз · F9</source>
        <translation>Reprint · F9</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="37"/>
        <source>Продажа проведена</source>
        <translation>Sale completed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="47"/>
        <source>Чек №{0}: {1}, оплачено баллами {2}</source>
        <translation>Receipt #{0}: {1}, paid with points {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="52"/>
        <source>Начислено {0}, доступны с {1}; баланс: доступно {2}, ожидают {3}</source>
        <translation>Earned {0}, available from {1}; balance: {2} available, {3} pending</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="59"/>
        <source>Без карты: баллы не начислены</source>
        <translation>No card: no points earned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="76"/>
        <source>Чек не напечатан: {0}. Продажа сохранена; F9 — напечатать ещё раз</source>
        <translation>Receipt not printed: {0}. The sale is saved; F9 to print again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="29"/>
        <source>Кассир: {0} · {1}</source>
        <translation>Cashier: {0} · {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="39"/>
        <source>Без сервера: работа офлайн</source>
        <translation>No server: working offline</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="48"/>
        <source>Проверяем связь…</source>
        <translation>Checking the connection…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="50"/>
        <source>● На связи</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="50"/>
        <source>● Нет связи</source>
        <translation>● Offline</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="52"/>
        <source>В очереди: {0}</source>
        <translation>Queued: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="54"/>
        <source>Синхронизация: {0}</source>
        <translation>Last sync: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="56"/>
        <source>Синхронизации ещё не было</source>
        <translation>Not synced yet</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="61"/>
        <source>Загрузка карт: {0}</source>
        <translation>Loading cards: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="64"/>
        <source>Отклонено сервером: {0}</source>
        <translation>Rejected by server: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="66"/>
        <source>Часы кассы расходятся с сервером</source>
        <translation>Till clock differs from the server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="26"/>
        <source>Наличные</source>
        <translation>Cash</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="27"/>
        <source>Банковская карта</source>
        <translation>Bank card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="28"/>
        <source>Карта рассрочки</source>
        <translation>Instalment card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="29"/>
        <source>Кредит / рассрочка банка</source>
        <translation>Bank credit / instalments</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="35"/>
        <source>В магазине</source>
        <translation>In store</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="36"/>
        <source>Заказ интернет-магазина</source>
        <translation>Online order</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="37"/>
        <source>Заказ по телефону</source>
        <translation>Phone order</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="43"/>
        <source>30% от суммы товаров без акций</source>
        <translation>30% of the non-promotional items total</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="44"/>
        <source>все доступные баллы карты</source>
        <translation>all points available on the card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="45"/>
        <source>лимит списания без связи с сервером</source>
        <translation>offline redemption limit</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="46"/>
        <source>в чеке нет товаров, которые можно оплатить баллами</source>
        <translation>no items in this sale can be paid with points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="47"/>
        <source>покупка в кредит или рассрочку: баллы не списываются</source>
        <translation>credit or instalment purchase: points cannot be redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="48"/>
        <location filename="../../src/bonuspos/ui/texts.py" line="59"/>
        <source>карта не предъявлена</source>
        <translation>no card presented</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="54"/>
        <source>акция — бонусы не начисляются и не списываются</source>
        <translation>promotion — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="55"/>
        <source>товар со скидкой — бонусы не начисляются и не списываются</source>
        <translation>discounted item — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="57"/>
        <source>кредит или рассрочка — бонусы не начисляются и не списываются</source>
        <translation>credit or instalments — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="65"/>
        <source>Баллы с ценника, активны со следующего дня; баллами — до 30% покупки; акции, кредит и рассрочка — без баллов</source>
        <translation>Points as on the price tag, active from the next day; points pay up to 30% of a purchase; no points on promotions, credit or instalments</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="84"/>
        <source>Часы кассы показывают {0} — раньше последней связи с сервером ({1}).</source>
        <translation>The till clock reads {0}, earlier than the last contact with the server ({1}).</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="88"/>
        <source>Часы кассы показывают {0} — раньше выпуска этой версии программы ({1}).</source>
        <translation>The till clock reads {0}, earlier than the release of this version of the program ({1}).</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="92"/>
        <source>Продажа невозможна</source>
        <translation>No sale can be made</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="93"/>
        <source>Возврат невозможен</source>
        <translation>No return can be made</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="94"/>
        <source>Оформление карты невозможно</source>
        <translation>No card can be issued</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="96"/>
        <source>{0} {1}: исправьте дату и время компьютера и повторите</source>
        <translation>{0} {1}: set the computer&apos;s date and time right and try again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="101"/>
        <source>Часы кассы показывают {0}: продажи невозможны, исправьте дату и время</source>
        <translation>Till clock reads {0}: no sales until the date and time are set right</translation>
    </message>
</context>
</TS>
