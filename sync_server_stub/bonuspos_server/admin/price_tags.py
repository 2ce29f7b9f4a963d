"""`bonuspos-server price-tags`: shelf labels of the central catalog, for a chain's stores.

Drawn by the till's own renderer (`bonuspos.price_tags`, no Qt): a tag printed at HQ and
one printed at a till look the same.
"""

from __future__ import annotations

import argparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.money import Money, Points
from bonuspos.price_tags import ACROSS, DOWN, PriceTag, render
from bonuspos_server.data.models import Product


class PriceTagsError(Exception):
    pass


def price_tags(session: Session, args: argparse.Namespace) -> str:
    """The tags of `--sku` products in the order given, or of the catalog by name."""
    if args.sku:
        products = []
        for sku in args.sku:
            product = session.get(Product, sku.strip())
            if product is None:
                raise PriceTagsError(f"no product {sku!r} in the catalog")
            products.append(product)
    else:
        products = list(session.execute(select(Product).order_by(Product.name)).scalars())
        if not products:
            raise PriceTagsError("the catalog is empty: import-catalog first")
    tags = [
        PriceTag.of(
            p.sku, p.name, Money(p.price), Points(p.points), p.promotional, p.barcodes.split(",")
        )
        for p in products
    ]
    try:
        args.out.write_bytes(render(tags))
    except OSError as exc:
        raise PriceTagsError(f"cannot write {args.out}: {exc.strerror}") from exc
    sheets = -(-len(tags) // (ACROSS * DOWN))
    said = f"{len(tags)} price tags on {sheets} A4 sheet(s): {args.out}"
    bare = [tag.sku for tag in tags if tag.ean is None]
    if bare:
        said += f"\nwithout a barcode (no EAN-13 in the catalog): {', '.join(bare)}"
    return said
