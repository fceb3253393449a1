//! Record keys to colours: the same key, the same colour, so per-key order can be seen at a
//! glance. A colour is a function of the key alone, so a reload, a shared link or another
//! moment of the timeline draws every key as before. Keys that end in a number (`cust-7`,
//! `customer-12`, `k3`: the keys of the presets, lessons and load producers) take that number
//! modulo the palette, so a dozen consecutive ids get a dozen colours; other keys are hashed
//! (two of a few such keys may then share a colour).

/// Distinct key colours (CSS classes `key-0` .. `key-11`).
pub const KEY_COLOURS: u8 = 12;

/// The colour of `key`; `None` for a null key (drawn grey).
pub fn key_colour(key: Option<&[u8]>) -> Option<u8> {
    let key = key?;
    let digits = key.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let number = &key[key.len() - digits..];
    let n = match number {
        // At most 18 digits fit a u64: the last 18 decide.
        [] => kafka_sim::murmur2::murmur2(key) as u64,
        _ => number[number.len().saturating_sub(18)..]
            .iter()
            .fold(0u64, |n, d| n * 10 + u64::from(d - b'0')),
    };
    Some((n % u64::from(KEY_COLOURS)) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_key_has_the_same_colour_whatever_was_drawn_before() {
        let colours: Vec<u8> = (0..12)
            .map(|i| key_colour(Some(format!("customer-{i}").as_bytes())).unwrap())
            .collect();
        let mut distinct = colours.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            12,
            "a dozen consecutive ids, a dozen colours"
        );
        // Seen in another order (a shared link opened later, another moment): the same.
        for i in (0..12).rev() {
            let again = key_colour(Some(format!("customer-{i}").as_bytes()));
            assert_eq!(again, Some(colours[i]));
        }
        assert_eq!(key_colour(None), None);
        assert!(key_colour(Some(b"alice")).is_some_and(|c| c < KEY_COLOURS));
        let long = format!("order-{}", "9".repeat(40));
        assert!(key_colour(Some(long.as_bytes())).is_some(), "no overflow");
    }
}
