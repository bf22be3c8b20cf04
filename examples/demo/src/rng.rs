//! The demo's pseudo-random numbers: a small, seeded generator and the few
//! draws the simulation needs.
//!
//! The generator is written here rather than taken from a crate so that the
//! stream of numbers — and therefore every figure of the demo report — stays
//! the same across dependency upgrades. It is xoshiro256** seeded through
//! SplitMix64, a well-studied pair that is more than good enough for a
//! simulation (it is not meant for anything secret).

/// A seeded pseudo-random generator (xoshiro256**).
#[derive(Debug, Clone)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn seeded(seed: u64) -> Rng {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
        }
    }

    /// An independent generator for one part of the simulation (one site,
    /// one year), so that adding a site does not change the others' data.
    pub fn fork(&self, label: &str) -> Rng {
        // FNV-1a of the label mixed with this generator's state.
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        Rng::seeded(h ^ self.state[0] ^ self.state[2].rotate_left(17))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.state[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.state[1] << 17;
        self.state[2] ^= self.state[0];
        self.state[3] ^= self.state[1];
        self.state[1] ^= self.state[2];
        self.state[0] ^= self.state[3];
        self.state[2] ^= t;
        self.state[3] = self.state[3].rotate_left(45);
        result
    }

    /// A number uniformly drawn in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        // The top 53 bits make an exactly representable double.
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An integer uniformly drawn in `low..=high`.
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        debug_assert!(low <= high);
        let span = u64::from(high - low) + 1;
        low + (self.next_u64() % span) as u32
    }

    /// An index drawn with probability proportional to `weights`.
    ///
    /// # Panics
    /// If `weights` is empty; every caller passes a non-empty table.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.len() - 1
    }

    /// A count drawn from a Poisson law of mean `mean` (Knuth's method for
    /// small means, a rounded normal approximation beyond).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            let normal = self.normal();
            return (mean + normal * mean.sqrt()).round().max(0.0) as u32;
        }
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.unit();
        while p > limit {
            k += 1;
            p *= self.unit();
        }
        k
    }

    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(f64::MIN_POSITIVE);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// A table of choices drawn by weight, built once and drawn from often.
#[derive(Debug, Clone)]
pub struct Cumulative {
    bounds: Vec<f64>,
}

impl Cumulative {
    /// The table for `weights` (not all zero).
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Cumulative {
        let mut total = 0.0;
        let bounds = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Cumulative { bounds }
    }

    /// An index drawn with probability proportional to its weight.
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.bounds.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        self.bounds
            .partition_point(|&b| b <= target)
            .min(self.bounds.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let mut a = Rng::seeded(2009);
        let mut b = Rng::seeded(2009);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::seeded(1).next_u64(), Rng::seeded(2).next_u64());
    }

    #[test]
    fn weighted_draws_follow_their_weights() {
        let mut rng = Rng::seeded(7);
        let table = Cumulative::new([1.0, 0.0, 3.0]);
        let mut counts = [0u32; 3];
        for _ in 0..40_000 {
            counts[table.draw(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = f64::from(counts[2]) / 40_000.0;
        assert!((share - 0.75).abs() < 0.01, "{share}");
    }

    #[test]
    fn poisson_draws_have_their_mean() {
        let mut rng = Rng::seeded(11);
        for mean in [0.5, 4.0, 120.0] {
            let n = 20_000;
            let sum: u64 = (0..n).map(|_| u64::from(rng.poisson(mean))).sum();
            let observed = sum as f64 / f64::from(n);
            assert!(
                (observed - mean).abs() < mean * 0.03 + 0.02,
                "{mean}: {observed}"
            );
        }
    }
}
