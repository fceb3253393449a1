//! Maps of a handful of entries kept as vectors searched in order. Every `BTreeMap` key and
//! value type costs the browser bundle kilobytes of code; these cost a few dozen bytes, and for
//! the dozen entries the diagram keeps (message families, key colours, brokers), searching in
//! order is as fast. Entries stay in the order they were first inserted.

/// The value of `key`, inserted as `V::default()` if absent.
pub fn entry<K: PartialEq, V: Default>(map: &mut Vec<(K, V)>, key: K) -> &mut V {
    let i = match map.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            map.push((key, V::default()));
            map.len() - 1
        }
    };
    &mut map[i].1
}

/// The value of `key`, if present.
pub fn get<'a, K: PartialEq, V>(map: &'a [(K, V)], key: &K) -> Option<&'a V> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_and_kept_in_insertion_order() {
        let mut m: Vec<(&str, u32)> = Vec::new();
        *entry(&mut m, "b") += 1;
        *entry(&mut m, "a") += 2;
        *entry(&mut m, "b") += 3;
        assert_eq!(m, [("b", 4), ("a", 2)]);
        assert_eq!(get(&m, &"a"), Some(&2));
        assert_eq!(get(&m, &"c"), None);
    }
}
