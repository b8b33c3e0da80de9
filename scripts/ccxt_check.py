"""bitget-sim through ccxt (see scripts/ccxt-check). Each check asserts what a ccxt user relies
on; the first failure stops the run with the step named. Argument: host:port of bitget-sim."""
import asyncio
import sys

import ccxt
import ccxt.pro as ccxtpro

ADDRESS = sys.argv[1]
CREDENTIALS = {"apiKey": "sim-key", "secret": "sim-secret", "password": "sim-passphrase"}


def pointed_at_sim(exchange):
    """The exchange object with every Bitget URL replaced by the simulator's."""
    api = exchange.urls["api"]
    for key, value in list(api.items()):
        if isinstance(value, str):
            api[key] = f"http://{ADDRESS}"
    if isinstance(api.get("ws"), dict):
        api["ws"]["public"] = f"ws://{ADDRESS}/v2/ws/public"
        api["ws"]["private"] = f"ws://{ADDRESS}/v2/ws/private"
    return exchange


def check(name, condition, detail=""):
    if not condition:
        sys.exit(f"FAIL {name} {detail}")
    print(f"ok   {name}")


def rest():
    ex = pointed_at_sim(ccxt.bitget(dict(CREDENTIALS)))
    check("fetch_time", ex.fetch_time() > 1_600_000_000_000)
    markets = ex.load_markets()
    check("load_markets", "BTC/USDT" in markets and "BTC/USDT:USDT" in markets, sorted(markets))
    book = ex.fetch_order_book("BTC/USDT", 5)
    check("fetch_order_book", book["bids"] and book["asks"] and book["bids"][0][0] < book["asks"][0][0], book)
    ticker = ex.fetch_ticker("BTC/USDT")
    check("fetch_ticker", ticker["bid"] <= ticker["ask"] and ticker["last"] > 0, ticker)
    check("fetch_trades", len(ex.fetch_trades("BTC/USDT", limit=3)) > 0)
    candles = ex.fetch_ohlcv("BTC/USDT", "1m", limit=3)
    check("fetch_ohlcv", len(candles) > 0 and all(c[2] >= c[3] for c in candles), candles)
    usdt = ex.fetch_balance()["USDT"]["free"]
    check("fetch_balance", usdt > 0)
    fee = ex.fetch_trading_fee("BTC/USDT")
    check("fetch_trading_fee", fee["maker"] is not None and fee["taker"] is not None, fee)

    order = ex.create_order("BTC/USDT", "limit", "buy", 0.001, round(book["bids"][0][0] * 0.5, 2))
    check("create_order (limit, resting)", order["id"])
    check("fetch_order", ex.fetch_order(order["id"], "BTC/USDT")["status"] == "open")
    check("fetch_open_orders", order["id"] in [o["id"] for o in ex.fetch_open_orders("BTC/USDT")])
    ex.cancel_order(order["id"], "BTC/USDT")
    check("cancel_order", ex.fetch_order(order["id"], "BTC/USDT")["status"] == "canceled")

    ex.create_order("BTC/USDT", "market", "buy", None, None, {"cost": 10})
    trades = ex.fetch_my_trades("BTC/USDT", limit=5)
    check("market buy by cost, fetch_my_trades", len(trades) > 0 and trades[0]["fee"] is not None, trades[:1])
    check("balance spent", ex.fetch_balance()["USDT"]["free"] < usdt)

    check("swap fetch_order_book", ex.fetch_order_book("BTC/USDT:USDT", 5)["bids"])
    ex.set_leverage(5, "BTC/USDT:USDT")
    check("swap set_leverage", ex.fetch_leverage("BTC/USDT:USDT")["longLeverage"] == 5)
    swap_order = ex.create_order("BTC/USDT:USDT", "limit", "buy", 0.01, round(book["bids"][0][0] * 0.5, 1))
    check("swap create_order", swap_order["id"])
    ex.cancel_order(swap_order["id"], "BTC/USDT:USDT")
    ex.create_order("BTC/USDT:USDT", "market", "buy", 0.01)
    positions = ex.fetch_positions(["BTC/USDT:USDT"])
    check("swap fetch_positions", any(p["side"] == "long" and p["contracts"] > 0 for p in positions), positions)
    tiers = ex.fetch_market_leverage_tiers("BTC/USDT:USDT")
    check("swap fetch_market_leverage_tiers", tiers and tiers[0]["maxLeverage"] > 1, tiers)
    interest = ex.fetch_open_interest("BTC/USDT:USDT")
    check("swap fetch_open_interest", interest["openInterestAmount"] >= 0.01, interest)
    ex.close_position("BTC/USDT:USDT")
    check("swap close_position", not any(p["contracts"] for p in ex.fetch_positions(["BTC/USDT:USDT"])))
    rate = ex.fetch_funding_rate("BTC/USDT:USDT")
    check("swap fetch_funding_rate", rate["fundingRate"] is not None and rate["fundingTimestamp"], rate)


async def websocket():
    ex = pointed_at_sim(ccxtpro.bitget(dict(CREDENTIALS, options={"checksum": True})))
    try:
        for _ in range(5):  # ccxt checks each update's CRC-32 and raises on a mismatch
            book = await asyncio.wait_for(ex.watch_order_book("BTC/USDT"), 15)
        check("watch_order_book (checksums)", book["bids"][0][0] < book["asks"][0][0])
        check("watch_trades", len(await asyncio.wait_for(ex.watch_trades("BTC/USDT"), 15)) > 0)
        watching = asyncio.ensure_future(ex.watch_orders("BTC/USDT"))
        await asyncio.sleep(2)  # logged in and subscribed
        order = await ex.create_order("BTC/USDT", "limit", "buy", 0.001, round(book["bids"][0][0] * 0.5, 2))
        pushed = await asyncio.wait_for(watching, 15)
        # ccxt reads a spot push's size from `newSize` and its client id from `clientOid`.
        check("watch_orders (login)", any(o["id"] == order["id"] and o["amount"] == 0.001
                                          and o["clientOrderId"] == order["clientOrderId"] for o in pushed), pushed)
        await ex.cancel_order(order["id"], "BTC/USDT")
        fills = asyncio.ensure_future(ex.watch_my_trades("BTC/USDT"))
        await asyncio.sleep(2)
        taker = await ex.create_order("BTC/USDT", "limit", "buy", 0.001, round(book["asks"][0][0] * 1.01, 2))
        mine = await asyncio.wait_for(fills, 15)
        check("watch_my_trades (fill push)", any(t["order"] == taker["id"] and t["amount"] == 0.001 and t["fee"]["cost"] > 0
                                                 and t["fee"]["currency"] == "BTC" for t in mine), mine)
        balance = await asyncio.wait_for(ex.watch_balance(), 15)
        check("watch_balance", balance["USDT"]["total"] > 0, balance)
        swap = "BTC/USDT:USDT"
        await asyncio.wait_for(ex.watch_positions([swap]), 15)  # ccxt's first answer: the REST snapshot
        watching = asyncio.ensure_future(ex.watch_positions([swap]))
        margin = asyncio.ensure_future(ex.watch_balance({"type": "swap"}))
        fills = asyncio.ensure_future(ex.watch_my_trades(swap))
        orders = asyncio.ensure_future(ex.watch_orders(swap))
        await asyncio.sleep(2)
        opened = await ex.create_order(swap, "market", "buy", 0.01, params={"clientOrderId": "ccxt-check-swap-1"})
        updates = await asyncio.wait_for(orders, 15)
        check("watch_orders swap (client id)", any(o["id"] == opened["id"] and o["clientOrderId"] == "ccxt-check-swap-1"
                                                   and o["amount"] == 0.01 for o in updates), updates)
        pushed = await asyncio.wait_for(watching, 15)
        check("watch_positions (push)", any(p["side"] == "long" and p["contracts"] > 0 and p["leverage"] for p in pushed), pushed)
        futures = await asyncio.wait_for(margin, 15)
        check("watch_balance swap (push)", futures["USDT"]["total"] > 0 and futures["USDT"]["free"] is not None, futures.get("USDT"))
        mine = await asyncio.wait_for(fills, 15)
        check("watch_my_trades swap (fill push)", any(t["order"] == opened["id"] and t["amount"] == 0.01 and t["fee"]["cost"] > 0
                                                      and t["fee"]["currency"] == "USDT" for t in mine), mine)
        await ex.close_position(swap)
    finally:
        await ex.close()


rest()
asyncio.run(websocket())
print(f"bitget-sim works with ccxt {ccxt.__version__}")
