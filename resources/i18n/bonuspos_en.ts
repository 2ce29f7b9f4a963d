<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="ru">
<context>
    <name>BonusPOS</name>
    <message>
        <location filename="../../src/bonuspos/ui/app.py" line="164"/>
        <location filename="../../src/bonuspos/ui/returns.py" line="257"/>
        <source>магазин {0}, касса {1}</source>
        <translation>store {0}, till {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/app.py" line="166"/>
        <source>касса без сервера</source>
        <translation>till without a server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/app.py" line="262"/>
        <source>Касса не запустилась</source>
        <translation>The till did not start</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/approval.py" line="36"/>
        <source>Подтверждение менеджера</source>
        <translation>Manager approval</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/approval.py" line="47"/>
        <source>Менеджер: выберите себя, Enter, введите PIN, Enter; Esc — отмена</source>
        <translation>Manager: pick yourself, Enter, type your PIN, Enter; Esc cancels</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/cart_lines.py" line="17"/>
        <location filename="../../src/bonuspos/ui/returns.py" line="51"/>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
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
        <location filename="../../src/bonuspos/ui/corrections.py" line="55"/>
        <source>Баллы</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="84"/>
        <source>F2 — найти или сменить карту покупателя</source>
        <translation>F2 — find or change the customer’s card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="86"/>
        <source>Штрихкод, артикул или название товара</source>
        <translation>Barcode, SKU or item name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="104"/>
        <source>Номер заказа</source>
        <translation>Order number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="124"/>
        <source>Провести · Enter</source>
        <translation>Complete · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="125"/>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="98"/>
        <source>Назад · Esc</source>
        <translation>Back · Esc</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="134"/>
        <source>Отменить чек · Enter</source>
        <translation>Cancel receipt · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="135"/>
        <source>Вернуться к чеку · Esc</source>
        <translation>Back to receipt · Esc</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="139"/>
        <source>F3 — карточка товара · F4 — возврат по чеку · F12 — выход из смены</source>
        <translation>F3 — product card · F4 — return by receipt · F12 — end shift</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="146"/>
        <source>Добавить · Enter</source>
        <translation>Add · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="150"/>
        <source>Оплата (F7):</source>
        <translation>Payment (F7):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="152"/>
        <source>Продажа (F8):</source>
        <translation>Sale type (F8):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="157"/>
        <source>Списать баллов (F6 — максимум):</source>
        <translation>Points to redeem (F6 — max):</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="168"/>
        <source>Удалить строку · Del</source>
        <translation>Remove line · Del</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="169"/>
        <source>Списать максимум · F6</source>
        <translation>Redeem max · F6</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="170"/>
        <source>К оплате · F10</source>
        <translation>Pay · F10</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="171"/>
        <source>Отмена · Esc</source>
        <translation>Cancel · Esc</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="231"/>
        <source>Связь с сервером изменилась: проверьте баллы и нажмите F10</source>
        <translation>The connection to the server changed: check the points and press F10</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="235"/>
        <source>Продажа без карты</source>
        <translation>Sale without card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="238"/>
        <source>{0} · доступно {1}</source>
        <translation>{0} · available {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="283"/>
        <location filename="../../src/bonuspos/ui/texts.py" line="242"/>
        <source>Товар «{0}» не найден в каталоге</source>
        <translation>Item “{0}” not found in the catalog</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="341"/>
        <source>Без карты баллы не списываются и не начисляются</source>
        <translation>No card: points are neither redeemed nor earned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="345"/>
        <source>Можно списать до {0}: {1}</source>
        <translation>Up to {0} can be redeemed: {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="353"/>
        <source>Итого {0} · к оплате {1}</source>
        <translation>Total {0} · due {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="358"/>
        <source>Будет начислено {0}, доступны с {1}</source>
        <translation>Will earn {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="363"/>
        <source>За эту покупку баллы не начисляются</source>
        <translation>No points earned on this purchase</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="386"/>
        <source>Итого {0}</source>
        <translation>Total {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="387"/>
        <source>Оплата: {0}, {1}</source>
        <translation>Payment: {0}, {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="393"/>
        <source>Списать {0} с карты: {1}, {2}? Спросите фамилию покупателя</source>
        <translation>Redeem {0} from the card of {1}, {2}? Ask the customer&apos;s surname</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="399"/>
        <source>Начислим {0}, доступны с {1}</source>
        <translation>Earning {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="422"/>
        <source>Проводим продажу…</source>
        <translation>Completing the sale…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="432"/>
        <source>Списание {0} с карты покупателя</source>
        <translation>Redeeming {0} from the customer&apos;s card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="459"/>
        <source>Списание {0} без связи с сервером</source>
        <translation>Redeeming {0} with no server connection</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="481"/>
        <source>Продажа не проведена: {0}</source>
        <translation>Sale not completed: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="605"/>
        <source>Отменить чек: строк — {0}, на сумму {1}? Отмена записывается в журнал</source>
        <translation>Cancel the receipt: {0} lines, {1}? The cancellation is logged</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/checkout.py" line="624"/>
        <source>Отмена чека на сумму {0}</source>
        <translation>Cancelling a receipt of {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="54"/>
        <source>+150,00 или −20,00</source>
        <translation>+150,00 or −20,00</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="57"/>
        <source>Почему: например, баллы за покупку не начислены</source>
        <translation>Why: e.g. points for a purchase were not credited</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="58"/>
        <location filename="../../src/bonuspos/ui/corrections.py" line="67"/>
        <source>Причина</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="66"/>
        <source>Баллы (+ начислить, − списать)</source>
        <translation>Points (+ add, − take)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="69"/>
        <source>Корректировка баллов</source>
        <translation>Points correction</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="81"/>
        <source>{0} · {1} · доступно {2}</source>
        <translation>{0} · {1} · available {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="91"/>
        <source>Enter — дальше; в причине Enter — подтверждение менеджера · Esc — назад</source>
        <translation>Enter — next; Enter in the reason — manager approval · Esc — back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="107"/>
        <source>Укажите, сколько баллов начислить (+) или списать (−)</source>
        <translation>Enter how many points to add (+) or take (−)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="112"/>
        <source>Без причины корректировка не проводится: укажите причину</source>
        <translation>No correction without a reason: enter the reason</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="118"/>
        <source>Корректировка {0} на карте {1}: {2}</source>
        <translation>Correction of {0} on the card of {1}: {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="134"/>
        <source>Корректировка проведена: {0}, подтвердил(а) {1}. Доступно: {2}</source>
        <translation>Correction made: {0}, approved by {1}. Available: {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/corrections.py" line="138"/>
        <source>Enter или Esc — к карте</source>
        <translation>Enter or Esc — back to the card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="33"/>
        <source>Правила программы «Любимый покупатель»: карта — ваш номер телефона; за покупки начисляются баллы, указанные на ценнике; баллы становятся доступны на следующий день; баллами можно оплатить до {0}% покупки (1 балл = 1 рубль); на акционные товары, покупки в кредит и в рассрочку баллы не начисляются и не списываются. Участвуют только физические лица.</source>
        <translation>“Favourite Customer” programme rules: your phone number is your card; purchases earn the points shown on the price tag; points become available the next day; points can pay for up to {0}% of a purchase (1 point = 1 ruble); promotional items and purchases on credit or in instalments neither earn nor accept points. Private individuals only.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="71"/>
        <source>ДД.ММ.ГГГГ, по желанию</source>
        <translation>DD.MM.YYYY, optional</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="73"/>
        <source>по желанию: отсканируйте пластиковую карту</source>
        <translation>optional: scan a plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="74"/>
        <source>Покупатель согласен с правилами программы</source>
        <translation>The customer accepts the programme rules</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="76"/>
        <source>Покупатель — физическое лицо, не ИП и не организация</source>
        <translation>The customer is a private individual, not a sole trader or a company</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="88"/>
        <source>ФИО</source>
        <translation>Full name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="89"/>
        <source>Телефон</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="90"/>
        <source>Эл. почта</source>
        <translation>Email</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="91"/>
        <source>Дата рождения</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="94"/>
        <source>Пластиковая карта</source>
        <translation>Plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="97"/>
        <source>Оформить карту · F10</source>
        <translation>Issue card · F10</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/customer_form.py" line="102"/>
        <source>Анкета участника программы</source>
        <translation>Programme sign-up form</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="54"/>
        <source>Сервер не ответил: итоги кассы без сравнения с сервером</source>
        <translation>The server did not answer: the till&apos;s figures, not compared with the server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="56"/>
        <source>Касса и сервер сходятся</source>
        <translation>The till and the server agree</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="57"/>
        <source>Касса и сервер расходятся: что делать — ниже</source>
        <translation>The till and the server disagree: what to do is below</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="61"/>
        <source>Итоги дня {0}</source>
        <translation>Day summary {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="66"/>
        <source>Касса без сервера · составлен {0}</source>
        <translation>Till without a server · made {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="67"/>
        <source>Магазин {0}, касса {1} · составлен {2}</source>
        <translation>Store {0}, till {1} · made {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="75"/>
        <source>Все события кассы отправлены на сервер</source>
        <translation>Every event of the till has been sent to the server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="79"/>
        <source>Не отправлено на сервер событий: {0} — {1}. Когда касса будет на связи, закройте день ещё раз</source>
        <translation>Events not sent to the server: {0} — {1}. Once the till is online, close the day again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="93"/>
        <source>Сервер не получил событий кассы: {0} ({1}). Закройте день ещё раз: касса отправит их снова</source>
        <translation>Till events the server did not get: {0} ({1}). Close the day again: the till sends them again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="103"/>
        <source>На сервере есть события этой кассы, которых касса не знает: {0} ({1}). Сообщите в техподдержку</source>
        <translation>The server holds events of this till the till does not know: {0} ({1}). Tell IT support</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="113"/>
        <source>Сервер потерял события кассы, они отправлены снова: {0}. Закройте день ещё раз, чтобы проверить</source>
        <translation>The server had lost till events, sent again: {0}. Close the day again to check</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="120"/>
        <source>Все события кассы есть на сервере, лишних на сервере нет</source>
        <translation>The server has every event of the till, and none the till lacks</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="127"/>
        <source>{0} · касса {1} · {2} · {3} · {4}</source>
        <translation>{0} · till {1} · {2} · {3} · {4}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="130"/>
        <source>Что делать: {0}</source>
        <translation>What to do: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="151"/>
        <source>Показатель</source>
        <translation>Figure</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="151"/>
        <source>Касса</source>
        <translation>Till</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="151"/>
        <source>Сервер</source>
        <translation>Server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="151"/>
        <source>Разница</source>
        <translation>Difference</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="188"/>
        <source>б.</source>
        <translation>pts</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="257"/>
        <source>час</source>
        <translation>hour</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="260"/>
        <source>Продаж за день не было</source>
        <translation>No sales that day</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="269"/>
        <source>Продажи, BYN</source>
        <translation>Sales, BYN</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="270"/>
        <source>Баллов начислено, б.</source>
        <translation>Points earned, pts</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="334"/>
        <source>Не удалось записать PDF: {0}</source>
        <translation>Could not write the PDF: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="375"/>
        <source>Продажи и баллы по часам (касса)</source>
        <translation>Sales and points by hour (till)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="384"/>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="419"/>
        <source>Расхождения и что делать</source>
        <translation>Differences and what to do</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="389"/>
        <source>Отмеченные сервером события магазина за день: {0}</source>
        <translation>Store events the server flagged that day: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/day_report.py" line="396"/>
        <source>Нет</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="62"/>
        <source>Продажи и баллы по часам</source>
        <translation>Sales and points by hour</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="126"/>
        <source>Касса и сервер расходятся</source>
        <translation>The till and the server disagree</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="166"/>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="208"/>
        <source>Закрытие дня</source>
        <translation>Closing the day</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="172"/>
        <source>%v из %m</source>
        <translation>%v of %m</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="177"/>
        <source>Расхождения и отмеченные события</source>
        <translation>Differences and flagged events</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="210"/>
        <source>Закрыть день может только менеджер: нужен его PIN</source>
        <translation>Only a manager may close the day: their PIN is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="212"/>
        <source>Enter — PIN менеджера · Esc — назад</source>
        <translation>Enter — manager&apos;s PIN · Esc — back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="223"/>
        <source>Закрытие дня {0}: касса отправит все события и сверит итоги с сервером</source>
        <translation>Closing the day {0}: the till sends every event and checks its figures with the server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="243"/>
        <source>Отправляем события кассы на сервер…</source>
        <translation>Sending the till&apos;s events to the server…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="247"/>
        <source>Подождите: день закрывается</source>
        <translation>Please wait: the day is being closed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="278"/>
        <source>День не закрыт: {0}</source>
        <translation>The day is not closed: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="280"/>
        <source>Enter — закрыть день ещё раз · Esc — назад</source>
        <translation>Enter — close the day again · Esc — back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="307"/>
        <source>P — печать · S — сохранить PDF · ← → — другой день · ↑↓, PgUp, PgDn — листать · Esc — назад</source>
        <translation>P — print · S — save PDF · ← → — another day · ↑↓, PgUp, PgDn — scroll · Esc — back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="322"/>
        <source>Итоги не напечатаны: {0}. P — ещё раз</source>
        <translation>Summary not printed: {0}. P — try again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="332"/>
        <source>PDF не сохранён: {0}</source>
        <translation>PDF not saved: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="335"/>
        <source>PDF сохранён: {0}</source>
        <translation>PDF saved: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="352"/>
        <source>Позже {0} сохранённых дней нет</source>
        <translation>No day saved after {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="354"/>
        <source>Раньше {0} сохранённых дней нет</source>
        <translation>No day saved before {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/end_of_day.py" line="425"/>
        <source>Отмеченные сервером события магазина: {0}</source>
        <translation>Store events the server flagged: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="48"/>
        <source>Карта покупателя</source>
        <translation>Customer card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="51"/>
        <source>Телефон или карта</source>
        <translation>Phone or card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="52"/>
        <source>Телефон, пластиковая карта или фамилия (заказ по телефону)</source>
        <translation>Phone, plastic card or surname (phone order)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="55"/>
        <source>Найти · Enter</source>
        <translation>Find · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="77"/>
        <source>Продажа с картой · Enter</source>
        <translation>Sale with card · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="78"/>
        <source>Оформить карту · F2</source>
        <translation>Issue a card · F2</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="79"/>
        <source>Продажа без карты · F5</source>
        <translation>Sale without card · F5</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="88"/>
        <source>Карта для текущего чека: телефон или скан карты · Esc — вернуться к чеку</source>
        <translation>The card for this receipt: phone or a scan of the card · Esc — back to the receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="94"/>
        <source>F3 — карточка товара · F4 — возврат по чеку · F8 — корректировка баллов (менеджер) · F9 — повтор последнего чека · F11 — закрытие дня (менеджер) · F12 — выход из смены</source>
        <translation>F3 — product card · F4 — return by receipt · F8 — points correction (manager) · F9 — reprint the last receipt · F11 — close the day (manager) · F12 — end shift</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="155"/>
        <source>Доступно: {0} · телефон {1}</source>
        <translation>Available: {0} · phone {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="159"/>
        <source>Ожидают: {0}, станут доступны {1}</source>
        <translation>Pending: {0}, available from {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="164"/>
        <source>Ожидающих баллов нет</source>
        <translation>No pending points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="181"/>
        <source>Карта не найдена. Оформить новую? F2</source>
        <translation>Card not found. Issue a new one? F2</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="195"/>
        <source>Никого с таким именем нет</source>
        <translation>No one by that name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="198"/>
        <source>Показаны первые {0}: уточните имя</source>
        <translation>First {0} shown: type more of the name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="212"/>
        <source>Сначала найдите карту или вернитесь к чеку (Esc)</source>
        <translation>Find the card first, or go back to the receipt (Esc)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/lookup.py" line="223"/>
        <source>Корректировка баллов: сначала найдите карту покупателя</source>
        <translation>Points correction: find the customer&apos;s card first</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/main_window.py" line="109"/>
        <source>BonusPOS — касса программы «Любимый покупатель»</source>
        <translation>BonusPOS — “Favourite Customer” programme till</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/main_window.py" line="264"/>
        <source>Смена не закрыта: проведите или отмените чек (Esc)</source>
        <translation>Shift not ended: complete or cancel the receipt (Esc)</translation>
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
        <location filename="../../src/bonuspos/ui/product_card.py" line="25"/>
        <source>{0} — {1} · АКЦИЯ, без баллов</source>
        <translation>{0} — {1} · PROMO, no points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="27"/>
        <source>{0} — {1} · без баллов</source>
        <translation>{0} — {1} · no points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="28"/>
        <source>{0} — {1} · +{2}</source>
        <translation>{0} — {1} · +{2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="43"/>
        <source>Карточка товара</source>
        <translation>Product card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="46"/>
        <source>Штрихкод или артикул товара</source>
        <translation>Product barcode or SKU</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="53"/>
        <source>Enter — показать товар · F9 — напечатать ценник · Esc — закрыть</source>
        <translation>Enter — show the product · F9 — print its price tag · Esc — close</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="80"/>
        <source>АКЦИЯ: без баллов</source>
        <translation>PROMO: no points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="82"/>
        <source>Товар по акции: баллы за него не начисляются, оплатить его баллами нельзя.</source>
        <translation>A promo product: it earns no points and cannot be paid for with points.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="85"/>
        <source>Без баллов</source>
        <translation>No points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="86"/>
        <source>По ценнику за этот товар баллы не начисляются.</source>
        <translation>By its price tag this product earns no points.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="88"/>
        <source>+{0} за 1 шт.</source>
        <translation>+{0} per unit</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="91"/>
        <source>Баллы по ценнику, с картой покупателя; при оплате в кредит или рассрочку баллы не начисляются. Начисленные сегодня можно списать со следующего дня.</source>
        <translation>Points from the price tag, with the customer&apos;s card; none on credit or installments. Points earned today can be spent from tomorrow.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="96"/>
        <source>нет</source>
        <translation>none</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="98"/>
        <source>Артикул {0} · штрихкоды: {1}</source>
        <translation>SKU {0} · barcodes: {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="100"/>
        <source>Артикул {0} · штрихкоды: {1} (нет EAN-13: ценник без штрихкода)</source>
        <translation>SKU {0} · barcodes: {1} (no EAN-13: the price tag has no barcode)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="107"/>
        <source>Сначала отсканируйте товар</source>
        <translation>Scan a product first</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/product_card.py" line="116"/>
        <source>Ценник сохранён: {0}</source>
        <translation>Price tag saved: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="34"/>
        <source>Новая продажа · Enter</source>
        <translation>New sale · Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="35"/>
        <source>Печать ещё раз · F9</source>
        <translation>Reprint · F9</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="38"/>
        <source>Продажа проведена</source>
        <translation>Sale completed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="48"/>
        <source>К оплате {0}</source>
        <translation>Due {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="50"/>
        <source>Чек №{0}: {1}, оплачено баллами {2}</source>
        <translation>Receipt #{0}: {1}, paid with points {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="55"/>
        <source>Начислено {0}, доступны с {1}; баланс: доступно {2}, ожидают {3}</source>
        <translation>Earned {0}, available from {1}; balance: {2} available, {3} pending</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="62"/>
        <source>Без карты: баллы не начислены</source>
        <translation>No card: no points earned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/receipt.py" line="79"/>
        <source>Чек не напечатан: {0}. Продажа сохранена; F9 — напечатать ещё раз</source>
        <translation>Receipt not printed: {0}. The sale is saved; F9 to print again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>Продано</source>
        <translation>Sold</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>Возвр.</source>
        <translation>Ret.</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>Вернуть</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>Деньги</source>
        <translation>Money</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>−Баллы</source>
        <translation>−Points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="49"/>
        <source>+Баллы</source>
        <translation>+Points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="52"/>
        <source>Продано в чеке</source>
        <translation>Sold on the receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="53"/>
        <source>Уже возвращено раньше</source>
        <translation>Already returned before</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="54"/>
        <source>Возвращается сейчас</source>
        <translation>Returned now</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="55"/>
        <source>Деньги покупателю</source>
        <translation>Money to the customer</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="56"/>
        <source>Баллы, которые списываются с карты</source>
        <translation>Points taken from the card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="57"/>
        <source>Баллы, которые возвращаются на карту</source>
        <translation>Points given back to the card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="102"/>
        <source>{0} из {1}</source>
        <translation>{0} of {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="144"/>
        <source>Отсканируйте штрихкод чека или введите номер чека</source>
        <translation>Scan the receipt&apos;s barcode or type the receipt number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="145"/>
        <source>Чек для возврата</source>
        <translation>Receipt to return</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="167"/>
        <source>Возврат</source>
        <translation>Return</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="200"/>
        <source>Покупки по карте {0}: ↑↓ и Enter — выбрать</source>
        <translation>Purchases on the card of {0}: ↑↓ and Enter to pick</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="207"/>
        <source>Enter — найти чек · Esc — назад</source>
        <translation>Enter — find the receipt · Esc — back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="214"/>
        <source>{0} и ещё строк: {1}</source>
        <translation>{0} and {1} more lines</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="215"/>
        <source>Чек №{0} · {1} · {2}</source>
        <translation>Receipt No. {0} · {1} · {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="223"/>
        <source>Ищем чек…</source>
        <translation>Looking for the receipt…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="255"/>
        <source>эта касса</source>
        <translation>this till</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="259"/>
        <source>без карты</source>
        <translation>no card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="261"/>
        <source>Чек №{0} от {1} · {2} · {3}</source>
        <translation>Receipt No. {0} of {1} · {2} · {3}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="270"/>
        <source>↑↓ — строка · + и − — штуки · цифра — сколько вернуть · Пробел — вся строка · A — весь чек · Enter — оформить возврат · Esc — другой чек</source>
        <translation>↑↓ — line · + and − — units · a digit — how many to return · Space — whole line · A — whole receipt · Enter — make the return · Esc — another receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="276"/>
        <source>По этому чеку всё уже возвращено</source>
        <translation>Everything on this receipt has been returned already</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="288"/>
        <source>«{0}»: вернуть можно не больше {1}</source>
        <translation>“{0}”: at most {1} can be returned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="329"/>
        <location filename="../../src/bonuspos/ui/returns.py" line="382"/>
        <location filename="../../src/bonuspos/ui/texts.py" line="284"/>
        <source>Выберите, что возвращается</source>
        <translation>Choose what is returned</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="333"/>
        <source>Вернуть покупателю {0}</source>
        <translation>Give the customer {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="355"/>
        <location filename="../../src/bonuspos/ui/returns.py" line="336"/>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="341"/>
        <source>Баллы: списать с карты {0}, вернуть на карту {1}</source>
        <translation>Points: take {0} from the card, give {1} back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="345"/>
        <source>Без карты: баллы не меняются</source>
        <translation>No card: no points change</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="390"/>
        <source>Возврат по чеку №{0}: вернуть покупателю {1}</source>
        <translation>Return of receipt No. {0}: give the customer {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="405"/>
        <source>Оформляем возврат…</source>
        <translation>Making the return…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="420"/>
        <source>Возврат оформлен: вернуть покупателю {0}</source>
        <translation>Return made: give the customer {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="423"/>
        <source>Баллы: списано с карты {0}, возвращено на карту {1}</source>
        <translation>Points: {0} taken from the card, {1} given back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="433"/>
        <source>Enter — готово · F9 — напечатать ещё раз</source>
        <translation>Enter — done · F9 — print again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="444"/>
        <source>Возврат не оформлен: {0}</source>
        <translation>Return not made: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/returns.py" line="457"/>
        <source>Чек возврата не напечатан: {0}. Возврат сохранён; F9 — ещё раз</source>
        <translation>Return slip not printed: {0}. The return is saved; F9 — try again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="32"/>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="34"/>
        <source> · заблокирован до {0}</source>
        <translation> · locked until {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="44"/>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="45"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="69"/>
        <source>Сотрудники</source>
        <translation>Staff</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="87"/>
        <source>Вход в смену</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="92"/>
        <source>Касса запускается…</source>
        <translation>The till is starting…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="97"/>
        <source>Нет сотрудников: ИТ добавляет менеджера командой bonuspos add-staff (как — в bonuspos add-staff --help)</source>
        <translation>No staff yet: IT adds a manager with bonuspos add-staff (see bonuspos add-staff --help)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="105"/>
        <source>Выберите себя стрелками или начните печатать имя, как в списке; Enter — PIN</source>
        <translation>Pick yourself with the arrows or start typing your name as listed; Enter — PIN</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="133"/>
        <source>Касса заблокирована</source>
        <translation>Till locked</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="135"/>
        <source>Смена: {0}. Введите свой PIN или PIN менеджера; чек и экран сохранены</source>
        <translation>Shift of {0}. Type your PIN or a manager&apos;s; the receipt and the screen are kept</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="161"/>
        <source>PIN для {0}, затем Enter; Esc — выбрать другого</source>
        <translation>PIN for {0}, then Enter; Esc — pick someone else</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/sign_in.py" line="177"/>
        <source>Касса запускается: PIN проверим через мгновение</source>
        <translation>The till is starting: the PIN is checked in a moment</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="30"/>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="35"/>
        <source>Код из SMS покупателя</source>
        <translation>Code from the customer&apos;s SMS</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="41"/>
        <source>Покупателю отправлен код по SMS: введите его и нажмите Enter</source>
        <translation>A code was sent to the customer by SMS: type it and press Enter</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="47"/>
        <source>F5 — отправить код ещё раз · Esc — отмена</source>
        <translation>F5 — send the code again · Esc — cancel</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="54"/>
        <source>Отправляем код…</source>
        <translation>Sending the code…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="58"/>
        <source>Код отправлен на телефон покупателя</source>
        <translation>The code was sent to the customer&apos;s phone</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="68"/>
        <source>Код из SMS — шесть цифр</source>
        <translation>The SMS code is six digits</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="84"/>
        <source>Подтверждение списания</source>
        <translation>Confirm the redemption</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="88"/>
        <source>Номер пластиковой карты</source>
        <translation>Plastic card number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="95"/>
        <source>Нет связи с сервером: код по SMS не отправить. Отсканируйте пластиковую карту покупателя</source>
        <translation>No server connection: no SMS code can be sent. Scan the customer&apos;s plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/spend_code.py" line="104"/>
        <source>F9 — подтверждение менеджера · Esc — отмена</source>
        <translation>F9 — manager&apos;s approval · Esc — cancel</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="49"/>
        <source>Без сервера: работа офлайн</source>
        <translation>No server: working offline</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="58"/>
        <source>Проверяем связь…</source>
        <translation>Checking the connection…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="60"/>
        <source>● На связи</source>
        <translation>● Online</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="60"/>
        <source>● Нет связи</source>
        <translation>● Offline</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="62"/>
        <source>В очереди: {0}</source>
        <translation>Queued: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="64"/>
        <source>Синхронизация: {0}</source>
        <translation>Last sync: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="66"/>
        <source>Синхронизации ещё не было</source>
        <translation>Not synced yet</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="71"/>
        <source>Загрузка карт: {0}</source>
        <translation>Loading cards: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="74"/>
        <source>Отклонено сервером: {0}</source>
        <translation>Rejected by server: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="76"/>
        <source>Часы кассы расходятся с сервером</source>
        <translation>Till clock differs from the server</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="83"/>
        <source>Вход не выполнен · {0}</source>
        <translation>Nobody signed in · {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/status_bar.py" line="86"/>
        <source>{0}: {1} · {2}</source>
        <translation>{0}: {1} · {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="36"/>
        <source>Наличные</source>
        <translation>Cash</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="37"/>
        <source>Банковская карта</source>
        <translation>Bank card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="38"/>
        <source>Карта рассрочки</source>
        <translation>Instalment card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="39"/>
        <source>Кредит / рассрочка банка</source>
        <translation>Bank credit / instalments</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="45"/>
        <source>В магазине</source>
        <translation>In store</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="46"/>
        <source>Заказ интернет-магазина</source>
        <translation>Online order</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="47"/>
        <source>Заказ по телефону</source>
        <translation>Phone order</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="58"/>
        <source>{0}% от суммы товаров без акций</source>
        <translation>{0}% of the non-promotional items total</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="59"/>
        <source>все доступные баллы карты</source>
        <translation>all points available on the card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="60"/>
        <source>лимит списания без связи с сервером</source>
        <translation>offline redemption limit</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="61"/>
        <source>в чеке нет товаров, которые можно оплатить баллами</source>
        <translation>no items in this sale can be paid with points</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="62"/>
        <source>покупка в кредит или рассрочку: баллы не списываются</source>
        <translation>credit or instalment purchase: points cannot be redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="63"/>
        <location filename="../../src/bonuspos/ui/texts.py" line="72"/>
        <source>карта не предъявлена</source>
        <translation>no card presented</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="69"/>
        <source>акция — баллы не начисляются и не списываются</source>
        <translation>promotion — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="70"/>
        <source>товар со скидкой — баллы не начисляются и не списываются</source>
        <translation>discounted item — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="71"/>
        <source>кредит или рассрочка — баллы не начисляются и не списываются</source>
        <translation>credit or instalments — no points earned or redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="77"/>
        <source>Кассир</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="77"/>
        <source>Менеджер</source>
        <translation>Manager</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="89"/>
        <source>Баллы с ценника, активны со следующего дня; баллами — до {0}% покупки; акции, кредит и рассрочка — без баллов</source>
        <translation>Points as on the price tag, active from the next day; points pay up to {0}% of a purchase; no points on promotions, credit or instalments</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="93"/>
        <source>Баллы с ценника, активны через {0} дн.; баллами — до {1}% покупки; акции, кредит и рассрочка — без баллов</source>
        <translation>Points as on the price tag, active after {0} days; points pay up to {1}% of a purchase; no points on promotions, credit or instalments</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="130"/>
        <source>Код оператора {0} не мобильный: нужен {1} или {2}</source>
        <translation>Operator code {0} is not a mobile one: it must be {1} or {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="137"/>
        <source>Неверный PIN: осталось попыток — {0}</source>
        <translation>Wrong PIN: {0} attempts left</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="138"/>
        <source>Неверный PIN</source>
        <translation>Wrong PIN</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="143"/>
        <source>Возврат: нужно подтверждение менеджера</source>
        <translation>Return: a manager&apos;s approval is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="144"/>
        <source>Корректировка баллов: нужно подтверждение менеджера</source>
        <translation>Points correction: a manager&apos;s approval is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="145"/>
        <source>Отмена чека с товарами: нужно подтверждение менеджера</source>
        <translation>Cancelling a receipt with items: a manager&apos;s approval is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="152"/>
        <source>Нельзя списать отрицательное число баллов: {0}</source>
        <translation>Points to redeem cannot be negative: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="155"/>
        <source>Списать можно не больше {0}, а не {1} ({2})</source>
        <translation>No more than {0} can be redeemed, not {1} ({2})</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="158"/>
        <source>Способ оплаты изменился после расчёта: пересчитайте чек</source>
        <translation>The payment method changed after the total was worked out: recalculate the receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="159"/>
        <source>Оплата {0} не равна сумме к оплате {1}</source>
        <translation>Payment {0} does not equal the amount due {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="162"/>
        <source>Баллами нечего оплачивать: в чеке нет подходящих товаров</source>
        <translation>Nothing to pay with points: no eligible items on the receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="164"/>
        <source>Количество должно быть целым, от 1 до {0}</source>
        <translation>The quantity must be a whole number from 1 to {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="167"/>
        <source>Цена не может быть отрицательной: {0}</source>
        <translation>The price cannot be negative: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="168"/>
        <source>Цена больше {0}: {1}</source>
        <translation>Price over {0}: {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="170"/>
        <source>Баллы на ценнике не могут быть отрицательными: {0}</source>
        <translation>Price-tag points cannot be negative: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="172"/>
        <source>Баллов на ценнике больше, чем цена товара: {0}</source>
        <translation>More price-tag points than the item&apos;s price: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="175"/>
        <source>Скидка не может быть отрицательной: {0}</source>
        <translation>The discount cannot be negative: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="176"/>
        <source>Скидка больше стоимости строки: {0}</source>
        <translation>The discount exceeds the line&apos;s amount: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="177"/>
        <source>Один товар в чеке дважды: увеличьте количество в его строке</source>
        <translation>The same item is on the receipt twice: increase the quantity on its line</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="178"/>
        <source>Сумма оплаты должна быть больше нуля: {0}</source>
        <translation>The payment amount must be above zero: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="181"/>
        <source>Не сумма: «{0}». Введите, например, 12,50</source>
        <translation>Not an amount: “{0}”. Type, for example, 12,50</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="183"/>
        <source>Количество к возврату должно быть больше нуля</source>
        <translation>The quantity to return must be above zero</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="185"/>
        <source>Строка {0}: вернуть можно не больше {1} шт., а не {2}</source>
        <translation>Line {0}: no more than {1} pcs can be returned, not {2}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="188"/>
        <source>Введите номер телефона</source>
        <translation>Enter a phone number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="189"/>
        <source>В номере телефона только цифры, пробелы, скобки и дефисы</source>
        <translation>A phone number has only digits, spaces, brackets and hyphens</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="191"/>
        <source>Не белорусский мобильный номер. Пример: +375 29 123-45-67</source>
        <translation>Not a Belarusian mobile number. Example: +375 29 123-45-67</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="194"/>
        <source>Такого мобильного номера нет: проверьте цифры</source>
        <translation>There is no such mobile number: check the digits</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="195"/>
        <source>Номер телефона не в формате +375XXXXXXXXX</source>
        <translation>The phone number is not in the +375XXXXXXXXX form</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="196"/>
        <source>Не номер телефона</source>
        <translation>Not a phone number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="197"/>
        <source>Не номер пластиковой карты</source>
        <translation>Not a plastic card number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="199"/>
        <source>Номер карты с ошибкой в контрольной цифре: пересканируйте карту</source>
        <translation>The card number&apos;s check digit is wrong: scan the card again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="202"/>
        <source>Юридические лица и ИП не могут участвовать в программе</source>
        <translation>Companies and sole traders cannot join the programme</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="203"/>
        <source>Укажите фамилию и имя</source>
        <translation>Enter the surname and first name</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="204"/>
        <source>В ФИО только буквы, пробел, дефис и апостроф</source>
        <translation>A full name has only letters, spaces, hyphens and apostrophes</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="205"/>
        <source>Без согласия с правилами программы карту оформить нельзя</source>
        <translation>No card can be issued without consent to the programme&apos;s rules</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="206"/>
        <source>Подтвердите, что покупатель — физическое лицо</source>
        <translation>Confirm that the customer is a private individual</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="207"/>
        <source>Адрес почты выглядит неверно</source>
        <translation>The e-mail address looks wrong</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="209"/>
        <source>Дата рождения «{0}»: введите её как ДД.ММ.ГГГГ, например 15.03.1985</source>
        <translation>Birth date “{0}”: type it as DD.MM.YYYY, e.g. 15.03.1985</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="211"/>
        <source>Даты {0} нет в календаре: проверьте день и месяц</source>
        <translation>There is no such date as {0}: check the day and the month</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="214"/>
        <source>Дата рождения {0}: проверьте год</source>
        <translation>Birth date {0}: check the year</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="216"/>
        <source>Номер {0} уже зарегистрирован в программе: найдите карту</source>
        <translation>Number {0} is already registered in the programme: look the card up</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="219"/>
        <source>PIN: от {0} до {1} цифр</source>
        <translation>PIN: {0} to {1} digits</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="220"/>
        <source>PIN слишком простой: не одна цифра подряд и не 1234…</source>
        <translation>PIN too simple: not one digit repeated, not 1234…</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="221"/>
        <source>Имя сотрудника: от 1 до {0} печатных знаков</source>
        <translation>Staff name: 1 to {0} printable characters</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="224"/>
        <source>Параметры PIN повреждены</source>
        <translation>The PIN&apos;s parameters are damaged</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="226"/>
        <source>{0}: вход заблокирован до {1} после неверных PIN</source>
        <translation>{0}: signing in is locked until {1} after wrong PINs</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="229"/>
        <source>Подтвердить может только менеджер: нужен PIN менеджера</source>
        <translation>Only a manager can approve: a manager&apos;s PIN is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="233"/>
        <source>Продажа №{0} уже проведена; повторно не проводится</source>
        <translation>Sale No. {0} is already completed; it is not completed again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="235"/>
        <source>Этот возврат уже оформлен</source>
        <translation>This return is already recorded</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="237"/>
        <source>Неверный номер продажи</source>
        <translation>Invalid sale id</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="238"/>
        <source>Чек пуст: добавьте товар</source>
        <translation>The receipt is empty: add an item</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="239"/>
        <source>Для заказа из интернет-магазина укажите номер заказа</source>
        <translation>For a web-shop order, enter the order number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="240"/>
        <source>Заказ по телефону оформляется на карту покупателя</source>
        <translation>A phone order is made out to the customer&apos;s card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="241"/>
        <source>Карта покупателя не найдена: найдите её заново</source>
        <translation>The customer&apos;s card was not found: look it up again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="243"/>
        <source>Карта {0} уже выдана другому покупателю</source>
        <translation>Card {0} is already issued to another customer</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="245"/>
        <source>По данным сервера на карте доступно {0}: спишите не больше</source>
        <translation>The server says the card has {0} available: redeem no more</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="248"/>
        <source>Нужен код из SMS покупателя</source>
        <translation>The code from the customer&apos;s SMS is needed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="249"/>
        <source>Неверный код из SMS: баллы не списаны</source>
        <translation>Wrong SMS code: no points were redeemed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="250"/>
        <source>Код устарел или уже использован: отправьте новый (F5)</source>
        <translation>The code is old or already used: send a new one (F5)</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="252"/>
        <source>Слишком много неверных кодов: списание с карты заблокировано на {0} мин</source>
        <translation>Too many wrong codes: redeeming from this card is locked for {0} min</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="255"/>
        <source>Коды на эту карту отправлялись слишком часто: повторите через {0} мин</source>
        <translation>Codes were sent to this card too often: try again in {0} min</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="257"/>
        <source>Код не отправлен: нет связи с сервером</source>
        <translation>The code was not sent: no server connection</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="259"/>
        <source>Без связи с сервером списать больше {0} можно только по пластиковой карте покупателя или с подтверждением менеджера</source>
        <translation>With no server connection, more than {0} can be redeemed only with the customer&apos;s plastic card or a manager&apos;s approval</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="263"/>
        <source>Это не карта покупателя: отсканируйте его пластиковую карту</source>
        <translation>This is not the customer&apos;s card: scan their plastic card</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="267"/>
        <source>На этой кассе нет чека №{0}. Чек другой кассы — отсканируйте его штрихкод</source>
        <translation>This till has no receipt No. {0}. For another till&apos;s receipt, scan its barcode</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="270"/>
        <source>Отсканируйте штрихкод чека или введите номер чека этой кассы</source>
        <translation>Scan the receipt&apos;s barcode or type a receipt number of this till</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="272"/>
        <source>В чеке №{0} нет строки {1}</source>
        <translation>Receipt No. {0} has no line {1}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="276"/>
        <source>Чек другой кассы или магазина: нужна связь с сервером, а её нет. Оформите возврат на кассе, где была покупка, или когда связь появится</source>
        <translation>A receipt of another till or store: this needs the server, and there is no connection. Make the return at the till of the purchase, or once the connection is back</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="279"/>
        <source>Продажа не найдена: найдите чек заново</source>
        <translation>Sale not found: look the receipt up again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="280"/>
        <source>Продажа не найдена: проверьте номер чека</source>
        <translation>Sale not found: check the receipt number</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="281"/>
        <source>Продажа с таким чеком не найдена ни на одной кассе</source>
        <translation>No till has a sale with this receipt</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="282"/>
        <source>Сервер не выдал чек: {0}</source>
        <translation>The server did not give the receipt: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="283"/>
        <source>Сервер прислал время продажи без часового пояса</source>
        <translation>The server sent the sale&apos;s time without a time zone</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="285"/>
        <source>Неверный номер возврата</source>
        <translation>Invalid return id</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="287"/>
        <source>Сотрудник не найден или отключён</source>
        <translation>Staff member not found or disabled</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="288"/>
        <source>Введите PIN</source>
        <translation>Enter the PIN</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="290"/>
        <source>Укажите причину корректировки: без неё баллы не меняются</source>
        <translation>Give the correction&apos;s reason: without one the points do not change</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="293"/>
        <source>Причина: не длиннее {0} знаков, без служебных символов</source>
        <translation>Reason: at most {0} characters, no control characters</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="295"/>
        <source>Отчёт за {0} не сохранялся: день не закрывали</source>
        <translation>No report was saved for {0}: the day was not closed</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="300"/>
        <source>База кассы занята другой программой: ничего не записано. Закройте другую программу или повторите через минуту</source>
        <translation>The till&apos;s database is in use by another program: nothing was written. Close the other program or try again in a minute</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="304"/>
        <source>На диске кассы нет места: ничего не записано. Позовите администратора</source>
        <translation>The till&apos;s disk is full: nothing was written. Call the administrator</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="307"/>
        <source>Не удалось записать в базу кассы ({0}): ничего не записано</source>
        <translation>Could not write to the till&apos;s database ({0}): nothing was written</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="309"/>
        <source>Итоги дня повреждены: {0}</source>
        <translation>The day&apos;s totals are damaged: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="310"/>
        <source>Время без часового пояса: {0}</source>
        <translation>A time without a time zone: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="311"/>
        <source>Политика программы: {0} вне допустимых пределов</source>
        <translation>Programme policy: {0} is out of range</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="314"/>
        <source>Баллы не могут становиться доступными в день покупки</source>
        <translation>Points cannot become available on the day of purchase</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="315"/>
        <source>Неизвестный часовой пояс: {0}</source>
        <translation>Unknown time zone: {0}</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="316"/>
        <source>Политика программы повреждена</source>
        <translation>The programme&apos;s policy is damaged</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="323"/>
        <source>Часы кассы показывают {0} — раньше последней связи с сервером ({1}).</source>
        <translation>The till clock reads {0}, earlier than the last contact with the server ({1}).</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="327"/>
        <source>Часы кассы показывают {0} — раньше выпуска этой версии программы ({1}).</source>
        <translation>The till clock reads {0}, earlier than the release of this version of the program ({1}).</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="331"/>
        <source>Продажа невозможна</source>
        <translation>No sale can be made</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="332"/>
        <source>Возврат невозможен</source>
        <translation>No return can be made</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="333"/>
        <source>Оформление карты невозможно</source>
        <translation>No card can be issued</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="335"/>
        <source>{0} {1}: исправьте дату и время компьютера и повторите</source>
        <translation>{0} {1}: set the computer&apos;s date and time right and try again</translation>
    </message>
    <message>
        <location filename="../../src/bonuspos/ui/texts.py" line="340"/>
        <source>Часы кассы показывают {0}: продажи невозможны, исправьте дату и время</source>
        <translation>Till clock reads {0}: no sales until the date and time are set right</translation>
    </message>
</context>
</TS>
