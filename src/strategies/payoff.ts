/**
 * A trade's P&L at its (front) expiry as a function of the underlying price: what payoff charts plot and
 * what the tests check the generators' max profit / max loss / breakevens against.
 */
import { MS_PER_YEAR } from '../market/expiry.js';
import { bsPrice } from '../quant/bsPrice.js';
import { forwardVol } from './forwardVol.js';
import { dayNumber } from './hardRules.js';
import type { Leg, Trade } from './types.js';

/** Rates for legs still alive at the front expiry (calendar back legs). */
export interface PayoffMarket {
  /** Risk-free rate, continuous per year. */
  r: number;
  /** Dividend yield, continuous per year. */
  q: number;
  /**
   * The trade's as-of, epoch ms: a leg living on is then valued as the generator values it — τ between the two
   * legs' expiry instants (`Leg.expiryTime`), at the forward vol of [front, its expiry] implied by it and the front leg of its strike
   * (calendarSpread.ts). Without it: τ in whole days, at the leg's own IV.
   */
  asOf?: number;
}

/** Value per share at the front expiry of one leg (intrinsic, or BSM floored at intrinsic if it lives on). */
function legValue(
  leg: Leg,
  sT: number,
  frontDay: number,
  market: PayoffMarket,
  front: Leg | undefined,
): number {
  if (leg.type === 'stock') return sT;
  const intrinsic = leg.type === 'call' ? Math.max(sT - leg.strike, 0) : Math.max(leg.strike - sT, 0);
  let tau = (dayNumber(leg.expiration) - frontDay) / 365;
  if (!(tau > 0)) return intrinsic;
  let vol = leg.iv;
  if (market.asOf !== undefined && front !== undefined) {
    // the legs' own instants: an AM-settled front (SPX's monthlies) ends at 09:30, 6½ hours before a PM one
    const t1 = (front.expiryTime - market.asOf) / MS_PER_YEAR;
    const t2 = (leg.expiryTime - market.asOf) / MS_PER_YEAR;
    tau = t2 - t1;
    vol = forwardVol(front.iv, t1, leg.iv, t2);
  }
  return Math.max(bsPrice(leg.type, sT, leg.strike, tau, market.r, market.q, vol), intrinsic);
}

/**
 * P&L in $ for the position (× 100 × contracts) at the front expiry if the underlying is at `sT`, entered
 * at the natural price (BUY at ask, SELL at bid). A covered call on held shares (`isCredit`) takes the
 * shares at today's mid as basis.
 */
export function expiryPnl(
  trade: Pick<Trade, 'legs' | 'expiration' | 'contracts' | 'strategy' | 'isCredit'>,
  sT: number,
  market: PayoffMarket = { r: 0, q: 0 },
): number {
  const frontDay = dayNumber(trade.expiration);
  let pnl = 0;
  for (const leg of trade.legs) {
    const s = leg.action === 'BUY' ? 1 : -1;
    // the leg of its strike and type expiring at the front: the other half of a calendar
    const front = trade.legs.find(
      (l) => l.type === leg.type && l.strike === leg.strike && l.expiration === trade.expiration,
    );
    const held = leg.type === 'stock' && trade.strategy === 'covered_call' && trade.isCredit;
    const paid = held ? leg.mid : leg.action === 'BUY' ? leg.ask : leg.bid;
    pnl += s * leg.quantity * (legValue(leg, sT, frontDay, market, front) - paid);
  }
  return pnl * 100 * trade.contracts;
}

/** P&L curve on `points` evenly spaced prices from `lo` to `hi` (for charts). */
export function payoffCurve(
  trade: Pick<Trade, 'legs' | 'expiration' | 'contracts' | 'strategy' | 'isCredit'>,
  lo: number,
  hi: number,
  points: number,
  market?: PayoffMarket,
): { price: number; pnl: number }[] {
  const out: { price: number; pnl: number }[] = [];
  for (let i = 0; i < points; i++) {
    const price = points === 1 ? lo : lo + ((hi - lo) * i) / (points - 1);
    out.push({ price, pnl: expiryPnl(trade, price, market) });
  }
  return out;
}
