/**
 * Building the objects of a candidate that passed the fast checks: its legs and the `Trade` record.
 * Only survivors reach this file; the scan loops work on the chain's arrays.
 */
import type { StrategyName } from '../config/schema.js';
import type { ExpiryChain } from '../market/types.js';
import { bsGreeks } from '../quant/bsGreeks.js';
import { bsPrice } from '../quant/bsPrice.js';
import type { ChainScan, ExpiryView, SideView } from './chainView.js';
import { type Leg, type LegAction, strategyLabel, type Trade, type TradeGreeks } from './types.js';

/**
 * One option leg from the chain's columns; greeks the chain lacks are filled from BSM with the leg's IV. A leg of
 * quantity 1 is built once per side view and shared by every trade that holds it (`SideView.legs`).
 */
export function optionLeg(
  scan: ChainScan,
  view: ExpiryView,
  side: SideView,
  i: number,
  action: LegAction,
  quantity = 1,
): Leg {
  if (quantity !== 1) return buildLeg(scan, view, side, i, action, quantity);
  const slot = 2 * i + (action === 'BUY' ? 1 : 0);
  side.legs ??= new Array(2 * view.strikes.length);
  let leg = side.legs[slot];
  if (leg === undefined) {
    leg = buildLeg(scan, view, side, i, action, 1);
    side.legs[slot] = leg;
  }
  return leg;
}

function buildLeg(
  scan: ChainScan,
  view: ExpiryView,
  side: SideView,
  i: number,
  action: LegAction,
  quantity: number,
): Leg {
  const c = side.cols;
  const strike = view.strikes[i];
  const bid = c.bid[i];
  const ask = c.ask[i];
  const iv = c.iv[i];
  let delta = c.delta[i];
  let gamma = c.gamma[i];
  let theta = c.theta[i];
  let vega = c.vega[i];
  if ((Number.isNaN(delta) || Number.isNaN(gamma) || Number.isNaN(theta) || Number.isNaN(vega)) && iv > 0) {
    const g = bsGreeks(side.type, scan.S, strike, view.T, scan.r, scan.q, iv);
    if (Number.isNaN(delta)) delta = g.delta;
    if (Number.isNaN(gamma)) gamma = g.gamma;
    if (Number.isNaN(theta)) theta = g.theta / 365; // per year → per calendar day
    if (Number.isNaN(vega)) vega = g.vega / 100; // per 1.00 → per vol point
  }
  return {
    action,
    type: side.type,
    strike,
    expiration: view.expiry.expiration,
    expiryTime: view.expiry.expiryTime,
    quantity,
    bid,
    ask,
    mid: 0.5 * (bid + ask),
    iv,
    delta,
    gamma,
    theta,
    vega,
    openInterest: c.openInterest[i],
    volume: c.volume[i],
    quoteTime: c.quoteTime[i],
  };
}

/**
 * One round lot (100 shares) of the underlying, quoted by the context's underlying quote or the spot. Its mid
 * is the ask when there is no bid (NaN or 0), as the covered call's cost basis takes it: 0.5·(0 + ask) halved
 * the stock's value and NaN spread to the trade's mid credit.
 */
export function stockLeg(
  scan: ChainScan,
  action: LegAction,
  expiry: Pick<ExpiryChain, 'expiration' | 'expiryTime'>,
): Leg {
  const u = scan.ctx.underlying;
  const bid = u ? u.bid : scan.S;
  const ask = u ? u.ask : scan.S;
  return {
    action,
    type: 'stock',
    strike: 0,
    expiration: expiry.expiration,
    expiryTime: expiry.expiryTime,
    quantity: 1,
    bid,
    ask,
    mid: bid > 0 ? 0.5 * (bid + ask) : ask,
    iv: Number.NaN,
    delta: 1,
    gamma: 0,
    theta: 0,
    vega: 0,
    openInterest: Number.NaN,
    volume: Number.NaN,
    quoteTime: u ? u.time : scan.chain.asOf,
  };
}

const sign = (leg: Leg) => (leg.action === 'BUY' ? 1 : -1);

/** Σ (+1 BUY / −1 SELL) × quantity × leg greek, per share. */
export function sumGreeks(legs: readonly Leg[]): TradeGreeks {
  const g = { delta: 0, gamma: 0, theta: 0, vega: 0 };
  for (const leg of legs) {
    const w = sign(leg) * leg.quantity;
    g.delta += w * leg.delta;
    g.gamma += w * leg.gamma;
    g.theta += w * leg.theta;
    g.vega += w * leg.vega;
  }
  return g;
}

/** Net credit per share at mid: Σ −sign × quantity × mid. */
export function midCredit(legs: readonly Leg[]): number {
  let c = 0;
  for (const leg of legs) c -= sign(leg) * leg.quantity * leg.mid;
  return c;
}

/**
 * Expected P&L per share at the common expiry of `legs` (entry at the natural price: BUY at ask, SELL at
 * bid), undiscounted, under drift m = r − q: E[(S_T − K)⁺] is BSM at zero rate on the forward S·e^(mT),
 * each leg with its own IV (so the sum is what the quotes imply, less what crossing the spread costs).
 */
export function expectedPnlPerShare(legs: readonly Leg[], S: number, T: number, drift: number): number {
  let ev = 0;
  for (const leg of legs) {
    const paid = leg.action === 'BUY' ? leg.ask : leg.bid;
    const value =
      leg.type === 'stock' ? S * Math.exp(drift * T) : bsPrice(leg.type, S, leg.strike, T, 0, -drift, leg.iv);
    ev += sign(leg) * leg.quantity * (value - paid);
  }
  return ev;
}

/**
 * A leg's expected payoff at expiry per share, E[(S_T − K)⁺] or E[(K − S_T)⁺] under drift r − q, undiscounted:
 * the `value` term of `expectedPnlPerShare`, computed once per contract of a side view (`SideView.fwdValue`)
 * because the survivors of a chain share most of their legs.
 */
export function legForwardValue(scan: ChainScan, view: ExpiryView, side: SideView, i: number): number {
  let v = side.fwdValue[i];
  if (Number.isNaN(v)) {
    v = bsPrice(side.type, scan.S, view.strikes[i], view.T, 0, -scan.drift, side.cols.iv[i]);
    side.fwdValue[i] = v;
  }
  return v;
}

/** The numbers a scan loop computed for a survivor (money per position, $). */
export interface TradeNumbers {
  strategy: StrategyName;
  isCredit: boolean;
  legs: Leg[];
  /** Front expiry (the exit). */
  view: ExpiryView;
  netCredit: number;
  maxProfit: number;
  maxLoss: number;
  capital: number;
  creditRatio: number;
  breakevens: number[];
  breakevenSigmas: number[];
  pop: number;
  /** $ for the position; undefined = same-expiry formula `expectedPnlPerShare`. */
  expectedValue?: number;
  /** Per share; undefined = Σ over legs at mid (`midCredit`). */
  netCreditMid?: number;
}

function legKey(leg: Leg): string {
  const s = leg.action === 'BUY' ? '+' : '-';
  if (leg.type === 'stock') return `${s}${leg.quantity * 100}sh`;
  const q = leg.quantity === 1 ? '' : String(leg.quantity);
  return `${s}${q}${leg.type === 'call' ? 'C' : 'P'}${leg.strike}@${leg.expiration}`;
}

/** `<ticker> <strategy> <leg>/<leg>/…`, e.g. `SPY put_credit_spread -P440@2026-12-18/+P435@2026-12-18`. */
function tradeId(ticker: string, strategy: StrategyName, legs: readonly Leg[]): string {
  let id = `${ticker} ${strategy} `;
  for (let i = 0; i < legs.length; i++) id += i === 0 ? legKey(legs[i]) : `/${legKey(legs[i])}`;
  return id;
}

export function assembleTrade(scan: ChainScan, n: TradeNumbers, contracts: number): Trade {
  const ticker = scan.chain.underlying;
  const front = n.view.expiry.expiration;
  const expirations = n.legs.every((l) => l.expiration === front)
    ? [front]
    : [...new Set(n.legs.map((l) => l.expiration))].sort();
  const expectedValue =
    n.expectedValue ?? expectedPnlPerShare(n.legs, scan.S, n.view.T, scan.drift) * 100 * contracts;
  return {
    id: tradeId(ticker, n.strategy, n.legs),
    ticker,
    strategy: n.strategy,
    label: strategyLabel(n.strategy),
    underlyingPrice: scan.S,
    legs: n.legs,
    contracts,
    isCredit: n.isCredit,
    netCredit: n.netCredit,
    netCreditMid: n.netCreditMid ?? midCredit(n.legs),
    maxProfit: n.maxProfit,
    maxLoss: n.maxLoss,
    capitalRequired: n.capital,
    breakevens: n.breakevens,
    breakevenSigmas: n.breakevenSigmas,
    pop: n.pop,
    expectedValue,
    returnOnRisk: n.maxProfit / n.maxLoss,
    creditToMaxLoss: n.creditRatio,
    greeks: sumGreeks(n.legs),
    dte: n.view.dte,
    yearsToExpiry: n.view.T,
    expiration: n.view.expiry.expiration,
    expirations,
    asOf: scan.ctx.asOf,
  };
}

/** Distance of level `x` from spot in standard deviations: ln(x/S)/(σ√T). */
export function sigmaDistance(x: number, S: number, vol: number, T: number): number {
  return Math.log(x / S) / (vol * Math.sqrt(T));
}
