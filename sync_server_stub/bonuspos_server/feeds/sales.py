"""A sale of any till of the chain, as a till needs it to take goods back (`GET /v1/sales`).

The figures are the ones the server credited (the sale's stored body), each line's units
already returned and the money already given back summed over every return recorded,
whichever till made it. No phone is in it: a sale names its card by uid only.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos_server.data.models import Product, Return, Sale, Store, Till
from bonuspos_server.web.problems import Problem, not_found
from bonuspos_server.web.schemas import SaleAnswer, SaleCompleted, SoldLineAnswer, TenderAnswer


def sale_id_of(text: str) -> str:
    """The canonical uuid of a path's sale id; 422 for anything else."""
    try:
        if len(text) > 45:  # "urn:uuid:" and 36 characters: longer text is no uuid
            raise ValueError(text)
        return str(uuid.UUID(text))
    except ValueError:
        raise Problem(422, "invalid-sale-id", "Malformed sale id", "A sale id is a UUID") from None


def answer(session: Session, sale_id: str) -> SaleAnswer:
    found = session.execute(
        select(Sale.body, Store.code, Till.code)
        .join(Till, Till.id == Sale.till_id)
        .join(Store, Store.id == Till.store_id)
        .where(Sale.id == sale_id)
    ).first()
    if found is None:
        raise not_found("No sale with this id has reached the server")
    body = SaleCompleted.model_validate_json(found[0])
    returned: dict[int, int] = {}
    refunded = 0
    for (text,) in session.execute(select(Return.body).where(Return.sale_id == sale_id)):
        back: dict[str, Any] = json.loads(text)
        refunded += back["money_back"]
        for line in back["lines"]:
            returned[line["line_no"]] = returned.get(line["line_no"], 0) + line["quantity"]
    skus = {line.sku for line in body.lines}
    found_names = session.execute(select(Product.sku, Product.name).where(Product.sku.in_(skus)))
    names: dict[str, str] = {sku: name for sku, name in found_names}
    return SaleAnswer(
        sale_id=body.sale_id,
        number=body.number,
        store=found[1],
        till=found[2],
        occurred_at=body.occurred_at,
        customer_uid=body.customer_uid,
        activates_on=body.activates_on,
        total=body.total,
        spent=body.spent,
        earned=body.earned,
        lines=[
            SoldLineAnswer(
                line_no=line.line_no,
                sku=line.sku,
                name=names.get(line.sku, line.sku),
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                earned=line.earned,
                share=line.share,
                returned=returned.get(line.line_no, 0),
            )
            for line in sorted(body.lines, key=lambda line: line.line_no)
        ],
        tenders=[TenderAnswer(kind=t.kind.value, amount=t.amount) for t in body.tenders],
        refunded=refunded,
    )
