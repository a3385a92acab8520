# Independent reference for the P50 test in test/quant/monteCarlo.test.ts ("P50 of the condor agrees with an
# independent simulation"): numpy GBM on 31 daily dates, legs marked by scipy Black-Scholes, 10 seeds × 400,000 paths.
# Run: python3 p50Reference.py flat | skew  (numpy, scipy). Printed 2026-12-07: flat 0.67332525 ± 0.000234,
# skew 0.68363725 ± 0.000233.
# Independent P50 reference: numpy GBM, daily Black-Scholes marks (scipy), own code path.
import numpy as np, sys
from scipy.special import ndtr
def bs(typ,S,K,tau,r,q,v):
    sd=v*np.sqrt(tau); d1=(np.log(S/K)+(r-q)*tau)/sd+sd/2; d2=d1-sd
    if typ=='call': return S*np.exp(-q*tau)*ndtr(d1)-K*np.exp(-r*tau)*ndtr(d2)
    return K*np.exp(-r*tau)*ndtr(-d2)-S*np.exp(-q*tau)*ndtr(-d1)
def run(legs, S0,T,v,r,q,target,N,seed):
    n=round(T*252); dt=T/n
    rng=np.random.default_rng(seed)
    x=np.full(N,np.log(S0)); hit=np.zeros(N,bool)
    for k in range(n):
        x+=(r-q-v*v/2)*dt+v*np.sqrt(dt)*rng.standard_normal(N)
        s=np.exp(x); tau=T-(k+1)*dt
        pnl=np.zeros(N)
        for t,K,qq,pr,lv in legs:
            val = bs(t,s,K,tau,r,q,lv) if k<n-1 else (np.maximum(s-K,0) if t=='call' else np.maximum(K-s,0))
            pnl+=qq*(val-pr)
        hit|=pnl>=target
    return hit.sum()
case=sys.argv[1]
S0,T,v,r,q=100,45/365,0.25,0.04,0.01
if case=='flat':
    legs=[('put',90,1,0.5,v),('put',95,-1,1.5,v),('call',105,-1,1.4,v),('call',110,1,0.4,v)]
else:
    legs=[('put',90,1,0.5,0.31),('put',95,-1,1.5,0.28),('call',105,-1,1.4,0.22),('call',110,1,0.4,0.21)]
tot=0; N=0
for seed in range(10):
    tot+=run(legs,S0,T,v,r,q,1.0,400000,100+seed); N+=400000
p=tot/N; print(case, p, np.sqrt(p*(1-p)/N))
