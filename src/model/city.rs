//! Cities and the registry that resolves an editor's reference ("Xuzhou City",
//! "徐州", "xuzhou") to exactly one declared city.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::closest;

/// Index of a city in its registry. Only a registry hands these out (or
/// the article cache, which checks them against it), so a `CityId` always
/// names a declared city.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct CityId(u32);

impl CityId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a city is, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// URL-safe identifier: `/cities/<key>/`.
    pub key: String,
    pub name: String,
    pub province: String,
    pub aliases: Vec<String>,
    /// How readers see the city, when the registry says.
    pub display: Option<String>,
    /// Its name in other languages, by language code: `zh` → `徐州`.
    pub names: BTreeMap<String, String>,
    /// Where it is, for maps.
    pub position: Option<Position>,
}

impl City {
    /// The site path of the city's page: `cities/<key>/`.
    pub fn path(&self) -> String {
        super::paths::city(&self.key)
    }

    /// The site path of the city's Atom feed.
    pub fn feed_path(&self) -> String {
        super::paths::city_feed(&self.key)
    }
}

/// Provinces in other languages, by the name cities give them, then by
/// language code: `Jiangsu` → `zh` → `江苏省`.
pub type ProvinceNames = BTreeMap<String, BTreeMap<String, String>>;

/// What a reference to a city turned out to mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CityLookup {
    Found(CityId),
    /// The reference is a name or alias of more than one city.
    Ambiguous(Vec<CityId>),
    /// No city answers to it; the closest declared one, if any is close.
    Unknown {
        closest: Option<CityId>,
    },
}

#[derive(Debug, Clone, Default)]
pub struct CityRegistry {
    cities: Vec<City>,
    /// How a city is written with its province, `{name}` and `{province}`
    /// filled in; `{name}, {province}` unless the language says otherwise.
    place: Option<String>,
    /// By position: how readers see each city.
    displays: Vec<String>,
    by_key: HashMap<String, CityId>,
    by_name: HashMap<String, Vec<CityId>>,
}

impl CityRegistry {
    /// Cities are kept in key order, so every listing of them is stable.
    pub fn new(cities: Vec<City>) -> CityRegistry {
        CityRegistry::with_place(cities, None)
    }

    fn with_place(mut cities: Vec<City>, place: Option<String>) -> CityRegistry {
        cities.sort_by(|a, b| a.key.cmp(&b.key));
        let mut registry = CityRegistry {
            place,
            ..CityRegistry::default()
        };
        for (index, city) in cities.iter().enumerate() {
            let id = CityId(index as u32);
            registry.by_key.insert(fold(&city.key), id);
            for name in std::iter::once(&city.name).chain(&city.aliases) {
                let ids = registry.by_name.entry(fold(name)).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        let place = registry.place.as_deref().unwrap_or(DEFAULT_PLACE);
        registry.displays = cities
            .iter()
            .map(|city| display(city, &cities, place))
            .collect();
        registry.cities = cities;
        registry
    }

    /// The same cities as readers of the language `code` see them: each
    /// by its name, and its province's, in that language where there is
    /// one. Made from the registry as config.toml declares it, never from
    /// another made so.
    /// `place` writes a city with its province, for the two Taizhous. A
    /// city's `display` is kept only where it has no name of the language.
    pub fn in_language(&self, code: &str, provinces: &ProvinceNames, place: &str) -> CityRegistry {
        let cities = self
            .cities
            .iter()
            .map(|city| {
                let local = city.names.get(code);
                City {
                    name: local.unwrap_or(&city.name).clone(),
                    province: provinces
                        .get(&city.province)
                        .and_then(|names| names.get(code))
                        .unwrap_or(&city.province)
                        .clone(),
                    display: city.display.clone().filter(|_| local.is_none()),
                    ..city.clone()
                }
            })
            .collect();
        CityRegistry::with_place(cities, Some(place.to_string()))
    }

    /// How readers see the city: its `display` name if it has one; its name
    /// and province when another declared city has the same name (the two
    /// Taizhous); else its name.
    pub fn display(&self, id: CityId) -> &str {
        &self.displays[id.index()]
    }

    /// A key always wins: it is the one spelling that cannot be ambiguous.
    pub fn resolve(&self, reference: &str) -> CityLookup {
        let folded = fold(reference);
        if let Some(&id) = self.by_key.get(&folded) {
            return CityLookup::Found(id);
        }
        match self.by_name.get(&folded).map(Vec::as_slice) {
            Some([id]) => CityLookup::Found(*id),
            Some(ids) if !ids.is_empty() => CityLookup::Ambiguous(ids.to_vec()),
            _ => CityLookup::Unknown {
                closest: self.closest(&folded),
            },
        }
    }

    fn closest(&self, folded: &str) -> Option<CityId> {
        let keys = self.by_key.iter().map(|(k, id)| (k.as_str(), *id));
        let names = self
            .by_name
            .iter()
            .flat_map(|(n, ids)| ids.iter().map(move |id| (n.as_str(), *id)));
        closest(folded, keys.chain(names))
    }

    pub fn get(&self, id: CityId) -> &City {
        &self.cities[id.index()]
    }

    pub fn by_key(&self, key: &str) -> Option<CityId> {
        self.by_key.get(key).copied()
    }

    pub fn len(&self) -> usize {
        self.cities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (CityId, &City)> {
        self.cities
            .iter()
            .enumerate()
            .map(|(i, city)| (CityId(i as u32), city))
    }
}

/// A city with its province, in English.
const DEFAULT_PLACE: &str = "{name}, {province}";

fn display(city: &City, all: &[City], place: &str) -> String {
    if let Some(display) = &city.display {
        return display.clone();
    }
    let shared = all
        .iter()
        .filter(|other| other.name.trim().eq_ignore_ascii_case(city.name.trim()))
        .count();
    if shared > 1 {
        place
            .replace("{name}", &city.name)
            .replace("{province}", &city.province)
    } else {
        city.name.clone()
    }
}

fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city(key: &str, name: &str, province: &str, aliases: &[&str]) -> City {
        City {
            key: key.into(),
            name: name.into(),
            province: province.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            display: None,
            names: BTreeMap::new(),
            position: None,
        }
    }

    fn registry() -> CityRegistry {
        CityRegistry::new(vec![
            city("xuzhou", "Xuzhou", "Jiangsu", &["Xuzhou City", "徐州"]),
            city("wuxi", "Wuxi", "Jiangsu", &[]),
            city("taizhou-js", "Taizhou", "Jiangsu", &[]),
            city("taizhou-zj", "Taizhou", "Zhejiang", &[]),
        ])
    }

    #[test]
    fn resolves_keys_names_and_aliases_ignoring_case() {
        let registry = registry();
        let xuzhou = registry.by_key("xuzhou").unwrap();
        for reference in ["xuzhou", "XUZHOU", "Xuzhou City", " xuzhou city ", "徐州"] {
            assert_eq!(registry.resolve(reference), CityLookup::Found(xuzhou));
        }
    }

    #[test]
    fn a_shared_name_is_ambiguous_but_keys_are_not() {
        let registry = registry();
        let js = registry.by_key("taizhou-js").unwrap();
        let zj = registry.by_key("taizhou-zj").unwrap();
        assert_eq!(
            registry.resolve("taizhou"),
            CityLookup::Ambiguous(vec![js, zj])
        );
        assert_eq!(registry.resolve("Taizhou-ZJ"), CityLookup::Found(zj));
    }

    #[test]
    fn unknown_names_suggest_a_close_city_only() {
        let registry = registry();
        let wuxi = registry.by_key("wuxi").unwrap();
        assert_eq!(
            registry.resolve("wuxy"),
            CityLookup::Unknown {
                closest: Some(wuxi)
            }
        );
        assert_eq!(
            registry.resolve("Lhasa"),
            CityLookup::Unknown { closest: None }
        );
    }

    #[test]
    fn cities_of_one_name_are_shown_with_their_province() {
        let registry = registry();
        let shown = |key: &str| registry.display(registry.by_key(key).unwrap()).to_string();
        assert_eq!(shown("taizhou-js"), "Taizhou, Jiangsu");
        assert_eq!(shown("taizhou-zj"), "Taizhou, Zhejiang");
        assert_eq!(shown("xuzhou"), "Xuzhou");
    }

    #[test]
    fn cities_iterate_in_key_order() {
        let keys: Vec<_> = registry().iter().map(|(_, c)| c.key.clone()).collect();
        assert_eq!(keys, ["taizhou-js", "taizhou-zj", "wuxi", "xuzhou"]);
    }
}
