#!/usr/bin/env python3
"""Writes the request data of scripts/bench's wrk scenarios from a `referrals seed` manifest.

    prepare.py MANIFEST DATADIR --token-secret S --warmup SECONDS --duration SECONDS [--max-rate N]

Files written to DATADIR (tab-separated, read by scenarios.lua):
  sites.tsv              site, index, referring customers, referred friends, actions, active friends
  digits.txt             zero-padding of the indexes in contact and order ids
  samples.tsv            site, contact id, referral code, referring customer id (the manifest's samples)
  tokens-PHASE.tsv       site, member token, referral code: one NEW member per line (create referred friend)
  fresh-PHASE.tsv        site, contact of a friend without any action yet (new order, reward issued)

Member tokens are HS256 JWTs with the claims of `referrals tokens mint` (sub, role, site, exp,
referralCode), signed here with the server's REFERRALS_TOKEN_SECRET: minting tens of thousands
with one CLI process each would take far longer than the benchmark. scripts/bench checks that a
token made here has the same header and claims as one the CLI mints, and that the server accepts it.
"""

import argparse
import base64
import hashlib
import hmac
import json
import math
import os
import random
import time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(secret: bytes, site: str, contact: str, code: str, exp: int) -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"exp": exp, "referralCode": code, "role": "member", "site": site, "sub": contact}
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = b64(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest")
    parser.add_argument("datadir")
    parser.add_argument("--token-secret", required=True)
    parser.add_argument("--warmup", type=float, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--max-rate", type=int, default=6000, help="most requests/s a write scenario is expected to reach")
    options = parser.parse_args()

    with open(options.manifest) as file:
        manifest = json.load(file)
    os.makedirs(options.datadir, exist_ok=True)
    sites = manifest["sites"]

    def write(name, rows):
        with open(os.path.join(options.datadir, name), "w") as file:
            for row in rows:
                file.write("\t".join(str(field) for field in row) + "\n")

    write("sites.tsv", [[s["site"], s["index"], s["referringCustomers"], s["referredFriends"], s["actions"], s["activeFriends"]]
                        for s in sites])
    write("digits.txt", [[manifest["digits"]]])
    samples = [[s["site"], sample["contactId"], sample["referralCode"], sample["id"]] for s in sites for sample in s["samples"]]
    write("samples.tsv", samples)

    codes = {s["site"]: [sample["referralCode"] for sample in s["samples"]] for s in sites}
    secret = options.token_secret.encode()
    exp = int(time.time()) + 6 * 3600
    rng = random.Random(42)
    phases = {"warmup": options.warmup, "measure": options.duration}
    for phase, seconds in phases.items():
        count = max(100, math.ceil(seconds * options.max_rate))
        rows = []
        for n in range(count):
            site = sites[n % len(sites)]
            contact = f"s{site['index']}-nm-{phase}-{n:07d}"
            code = rng.choice(codes[site["site"]])
            rows.append([site["site"], mint(secret, site["site"], contact, code, exp), code])
        write(f"tokens-{phase}.tsv", rows)

    # Friends without actions, round-robin over the sites; the measured run gets its share of
    # the pool first, the warm-up the rest.
    pools = [[(s["site"], f"s{s['index']}-f-{j:0{manifest['digits']}d}") for j in range(s["activeFriends"], s["referredFriends"])]
             for s in sites]
    fresh = [pool[i] for i in range(max((len(p) for p in pools), default=0)) for pool in pools if i < len(pool)]
    total = options.warmup + options.duration
    measured = math.ceil(len(fresh) * options.duration / total) if total > 0 else len(fresh)
    write("fresh-measure.tsv", fresh[:measured])
    write("fresh-warmup.tsv", fresh[measured:] or fresh[:1])
    print(json.dumps({"samples": len(samples), "tokensPerPhase": {p: max(100, math.ceil(s * options.max_rate)) for p, s in phases.items()},
                      "freshFriends": {"measure": measured, "warmup": len(fresh) - measured}}))


if __name__ == "__main__":
    main()
