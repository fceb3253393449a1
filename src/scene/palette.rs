//! Record keys to colours: the same key, the same colour, so per-key order can be seen at a
//! glance. Colours are handed out in the order keys are first drawn, so the first dozen keys
//! get distinct colours (hashing would make two of eight keys share one more often than not).

use kafka_sim::sorted::SortedMap;

/// Distinct key colours (CSS classes `key-0` .. `key-11`).
pub const KEY_COLOURS: u8 = 12;
/// Keys remembered one by one; past this, colours come from a hash (bounded memory on runs
/// with millions of distinct keys).
const REMEMBERED_KEYS: usize = 4_096;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyPalette {
    colours: SortedMap<Vec<u8>, u8>,
}

impl KeyPalette {
    /// The colour of `key`; `None` for a null key (drawn grey).
    pub fn colour(&mut self, key: Option<&[u8]>) -> Option<u8> {
        let key = key?;
        if let Some(&c) = self.colours.get(key) {
            return Some(c);
        }
        let c = if self.colours.len() < REMEMBERED_KEYS {
            let c = (self.colours.len() % KEY_COLOURS as usize) as u8;
            self.colours.insert(key.to_vec(), c);
            c
        } else {
            (kafka_sim::murmur2::murmur2(key) as u32 % u32::from(KEY_COLOURS)) as u8
        };
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_colour_and_the_first_dozen_keys_differ() {
        let mut p = KeyPalette::default();
        let colours: Vec<u8> = (0..12)
            .map(|i| p.colour(Some(format!("customer-{i}").as_bytes())).unwrap())
            .collect();
        let mut distinct = colours.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 12);
        assert_eq!(p.colour(Some(b"customer-3")), Some(colours[3]));
        assert_eq!(p.colour(None), None);
    }
}
