//! Scoring a probabilistic predictor against binary outcomes: ROC AUC (with ties), Brier score
//! and reliability (calibration) bins.

/// Area under the ROC curve: the probability that a randomly chosen positive scores higher than
/// a randomly chosen negative, ties counting one half (the Mann-Whitney U statistic, computed
/// from average ranks). `None` when there are no positives or no negatives.
pub fn roc_auc(scores: &[(f64, bool)]) -> Option<f64> {
    let positives = scores.iter().filter(|(_, y)| *y).count();
    let negatives = scores.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut sorted: Vec<(f64, bool)> = scores.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        // Items i..j share ranks i+1..=j; their average is (i + 1 + j) / 2.
        let average = (i + 1 + j) as f64 / 2.0;
        let tied_positives = sorted[i..j].iter().filter(|(_, y)| *y).count();
        rank_sum += average * tied_positives as f64;
        i = j;
    }
    let (p, n) = (positives as f64, negatives as f64);
    let u = rank_sum - p * (p + 1.0) / 2.0;
    Some(u / (p * n))
}

/// Mean squared error of the predicted probabilities. `None` for no data.
pub fn brier(scores: &[(f64, bool)]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let sum: f64 = scores
        .iter()
        .map(|&(p, y)| {
            let d = p - if y { 1.0 } else { 0.0 };
            d * d
        })
        .sum();
    Some(sum / scores.len() as f64)
}

/// Share of positives. `None` for no data.
pub fn base_rate(scores: &[(f64, bool)]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    Some(scores.iter().filter(|(_, y)| *y).count() as f64 / scores.len() as f64)
}

/// Brier score of always predicting the base rate `r`: `r (1 - r)`.
pub fn brier_of_base_rate(scores: &[(f64, bool)]) -> Option<f64> {
    base_rate(scores).map(|r| r * (1.0 - r))
}

/// One reliability bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    /// Lower edge (inclusive).
    pub lo: f64,
    /// Upper edge (exclusive, except the last bin, which includes 1).
    pub hi: f64,
    /// Predictions that fell in the bin.
    pub count: usize,
    /// Mean predicted probability in the bin (`NaN` when empty).
    pub mean_predicted: f64,
    /// Observed share of positives in the bin (`NaN` when empty).
    pub observed: f64,
}

/// Index of the equal-width bin (out of `bins`) that probability `p` falls in; values outside
/// [0, 1] are clamped, 1.0 goes to the last bin.
pub fn bin_index(p: f64, bins: usize) -> usize {
    let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
    ((p * bins as f64) as usize).min(bins - 1)
}

/// Equal-width reliability bins over [0, 1].
pub fn calibration(scores: &[(f64, bool)], bins: usize) -> Vec<Bin> {
    let bins = bins.max(1);
    let mut sum_p = vec![0.0; bins];
    let mut positives = vec![0usize; bins];
    let mut counts = vec![0usize; bins];
    for &(p, y) in scores {
        let i = bin_index(p, bins);
        counts[i] += 1;
        sum_p[i] += p;
        positives[i] += usize::from(y);
    }
    (0..bins)
        .map(|i| {
            let n = counts[i] as f64;
            Bin {
                lo: i as f64 / bins as f64,
                hi: (i + 1) as f64 / bins as f64,
                count: counts[i],
                mean_predicted: sum_p[i] / n,
                observed: positives[i] as f64 / n,
            }
        })
        .collect()
}

/// Expected calibration error: the count-weighted mean of |observed - predicted| over bins.
pub fn ece(bins: &[Bin]) -> Option<f64> {
    let total: usize = bins.iter().map(|b| b.count).sum();
    if total == 0 {
        return None;
    }
    let sum: f64 = bins
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| b.count as f64 * (b.observed - b.mean_predicted).abs())
        .sum();
    Some(sum / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn auc_perfect_inverted_and_undefined() {
        let perfect = [(0.1, false), (0.2, false), (0.8, true), (0.9, true)];
        assert_eq!(roc_auc(&perfect), Some(1.0));
        let inverted = [(0.9, false), (0.1, true)];
        assert_eq!(roc_auc(&inverted), Some(0.0));
        assert_eq!(roc_auc(&[(0.5, true)]), None);
        assert_eq!(roc_auc(&[]), None);
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // Positives: 0.8, 0.4. Negatives: 0.4, 0.2.
        // Pairs (pos, neg): (0.8,0.4)=1, (0.8,0.2)=1, (0.4,0.4)=0.5, (0.4,0.2)=1 -> 3.5 / 4.
        let s = [(0.8, true), (0.4, true), (0.4, false), (0.2, false)];
        assert!(close(roc_auc(&s).unwrap(), 0.875));
        // All scores tied: 0.5 whatever the labels.
        let tied = [(0.3, true), (0.3, false), (0.3, false)];
        assert!(close(roc_auc(&tied).unwrap(), 0.5));
        // Order of input does not matter.
        let shuffled = [(0.2, false), (0.4, false), (0.8, true), (0.4, true)];
        assert!(close(roc_auc(&shuffled).unwrap(), 0.875));
    }

    #[test]
    fn brier_and_base_rate() {
        // (0.9-1)^2 + (0.2-0)^2 + (0.6-1)^2 + (0.5-0)^2 = 0.01 + 0.04 + 0.16 + 0.25 = 0.46 -> /4
        let s = [(0.9, true), (0.2, false), (0.6, true), (0.5, false)];
        assert!(close(brier(&s).unwrap(), 0.115));
        assert!(close(base_rate(&s).unwrap(), 0.5));
        assert!(close(brier_of_base_rate(&s).unwrap(), 0.25));
        assert_eq!(brier(&[]), None);
        // The constant base-rate predictor's Brier equals r(1-r) computed directly.
        let r = 0.25;
        let s = [(r, true), (r, false), (r, false), (r, false)];
        assert!(close(brier(&s).unwrap(), brier_of_base_rate(&s).unwrap()));
    }

    #[test]
    fn binning_edges() {
        assert_eq!(bin_index(0.0, 10), 0);
        assert_eq!(bin_index(0.0999, 10), 0);
        assert_eq!(bin_index(0.1, 10), 1);
        assert_eq!(bin_index(0.95, 10), 9);
        assert_eq!(bin_index(1.0, 10), 9);
        assert_eq!(bin_index(1.5, 10), 9);
        assert_eq!(bin_index(-0.2, 10), 0);
        assert_eq!(bin_index(f64::NAN, 10), 0);
    }

    #[test]
    fn calibration_bins_and_ece() {
        let s = [
            (0.05, false),
            (0.15, false),
            (0.15, true),
            (0.95, true),
            (1.0, true),
        ];
        let bins = calibration(&s, 10);
        assert_eq!(bins.len(), 10);
        assert_eq!(bins[0].count, 1);
        assert!(close(bins[0].observed, 0.0));
        assert_eq!(bins[1].count, 2);
        assert!(close(bins[1].mean_predicted, 0.15));
        assert!(close(bins[1].observed, 0.5));
        assert_eq!(bins[9].count, 2);
        assert!(close(bins[9].mean_predicted, 0.975));
        assert!(bins[5].mean_predicted.is_nan());
        // ECE = (1*0.05 + 2*0.35 + 2*0.025) / 5 = 0.8 / 5 = 0.16
        assert!(close(ece(&bins).unwrap(), 0.16));
    }
}
