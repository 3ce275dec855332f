//! The parts of config.toml about the map and the partnerships it draws:
//! cities' coordinates, `[partnerships."a--b"]` and `[map]`.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::closest;
use crate::model::{paths, Position};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPartnership {
    since: Option<i32>,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMap {
    enabled: Option<bool>,
    background: Option<Spanned<String>>,
    /// West, south, east, north, in degrees.
    bounds: Option<Spanned<[f64; 4]>>,
    caption: Option<Spanned<String>>,
}

/// What config.toml says of a pair of cities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartnershipNote {
    /// The year the partnership began.
    pub since: Option<i32>,
    pub description: Option<String>,
}

/// Notes on pairs, by `a--b` with the keys in sorted order.
pub type PartnershipNotes = HashMap<String, PartnershipNote>;

/// `[map]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSettings {
    /// Whether pages carry maps; on unless `enabled = false`.
    pub enabled: bool,
    pub background: Option<Background>,
}

/// An image the network is drawn over, in the map's projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Background {
    /// Its path in the built site, as in `static/`: `china.svg`.
    pub path: String,
    /// West, south, east, north: the box of longitudes and latitudes it covers.
    pub bounds: [f64; 4],
    /// Shown under the map: the map's review number (审图号), its source.
    pub caption: String,
}

type Problem<'p> = dyn FnMut(Range<usize>, String, &str) + 'p;

/// A city's `lat` and `lon`, both or neither, within range.
pub(super) fn position(
    lat: Option<Spanned<f64>>,
    lon: Option<Spanned<f64>>,
    key: &str,
    problem: &mut Problem<'_>,
) -> Option<Position> {
    let help = format!("write both in decimal degrees under [cities.{key}], like `lat = 34.26` and `lon = 117.18` for Xuzhou");
    match (lat, lon) {
        (Some(lat), Some(lon)) => {
            let mut valid = true;
            for (value, name, limit) in [(&lat, "lat", 90.0), (&lon, "lon", 180.0)] {
                let degrees = *value.get_ref();
                if !(-limit..=limit).contains(&degrees) {
                    problem(
                        value.span(),
                        format!("`{name} = {degrees}` is out of range: it lies between -{limit} and {limit}"),
                        &help,
                    );
                    valid = false;
                }
            }
            valid.then(|| Position {
                lat: *lat.get_ref(),
                lon: *lon.get_ref(),
            })
        }
        (Some(half), None) | (None, Some(half)) => {
            problem(
                half.span(),
                format!("the city `{key}` has only one of `lat` and `lon`"),
                &help,
            );
            None
        }
        (None, None) => None,
    }
}

/// `[partnerships."a--b"]`: both keys declared cities, in either order.
pub(super) fn partnership_notes(
    raw: BTreeMap<Spanned<String>, RawPartnership>,
    keys: &[&str],
    problem: &mut Problem<'_>,
) -> PartnershipNotes {
    let mut notes = PartnershipNotes::new();
    for (pair, note) in raw {
        let parts: Vec<&str> = pair.get_ref().split(paths::PAIR_JOIN).collect();
        let unknown: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| !keys.contains(p))
            .collect();
        if parts.len() != 2 || parts[0] == parts[1] {
            problem(
                pair.span(),
                format!("`{}` is not a pair of cities", pair.get_ref()),
                "name a pair by its two city keys joined by `--`, like [partnerships.\"wuxi--xuzhou\"]",
            );
        } else if let Some(city) = unknown.first() {
            let help = match closest(city, keys.iter().map(|k| (*k, *k))) {
                Some(known) => {
                    format!("declare it under [cities.{city}], or did you mean `{known}`?")
                }
                None => format!("declare it under [cities.{city}]"),
            };
            problem(
                pair.span(),
                format!(
                    "`{city}` in [partnerships.\"{}\"] is not a declared city",
                    pair.get_ref()
                ),
                &help,
            );
        } else {
            let mut sorted = [parts[0], parts[1]];
            sorted.sort_unstable();
            let key = sorted.join(paths::PAIR_JOIN);
            if notes.contains_key(&key) {
                problem(
                    pair.span(),
                    format!(
                        "[partnerships.\"{}\"] names a pair already described",
                        pair.get_ref()
                    ),
                    &format!(
                        "`{}--{}` and `{}--{}` are one pair: keep one of the two tables",
                        sorted[0], sorted[1], sorted[1], sorted[0]
                    ),
                );
                continue;
            }
            let note = PartnershipNote {
                since: note.since,
                description: note.description,
            };
            notes.insert(key, note);
        }
    }
    notes
}

/// `[map]`: a background needs the box it covers, inside the world.
pub(super) fn map_settings(raw: RawMap, problem: &mut Problem<'_>) -> MapSettings {
    if let (Some(caption), None) = (&raw.caption, &raw.background) {
        problem(
            caption.span(),
            format!("the map `caption` \"{}\" has no `background` to describe", caption.get_ref()),
            "a caption names the background's source or review number; add `background` and `bounds`, or remove `caption`",
        );
    }
    let background = match (raw.background, raw.bounds) {
        (Some(path), Some(bounds)) => {
            let [west, south, east, north] = *bounds.get_ref();
            let valid = (-180.0..=180.0).contains(&west)
                && (-180.0..=180.0).contains(&east)
                && (-90.0..=90.0).contains(&south)
                && (-90.0..=90.0).contains(&north)
                && west < east
                && south < north;
            if !valid {
                problem(bounds.span(), "`bounds` is not a box of longitudes and latitudes".into(), "write [west, south, east, north] in degrees, like `bounds = [73.0, 17.0, 136.0, 54.0]`");
            }
            let stripped = path.get_ref().strip_prefix("static/");
            let published = stripped.unwrap_or(path.get_ref()).to_string();
            if stripped.is_none() {
                problem(path.span(), format!("`background = \"{}\"` is not in static/", path.get_ref()), "put the image in the site's static/ folder and name it from the site folder, like `background = \"static/china.svg\"`");
            }
            valid.then(|| Background {
                path: published,
                bounds: *bounds.get_ref(),
                caption: raw.caption.map(Spanned::into_inner).unwrap_or_default(),
            })
        }
        (Some(path), None) => {
            problem(path.span(), "a map `background` needs the `bounds` it covers".into(), "add `bounds = [west, south, east, north]` in degrees: the box of longitudes and latitudes the image shows");
            None
        }
        (None, Some(bounds)) => {
            problem(
                bounds.span(),
                "`bounds` is set but there is no `background`".into(),
                "add `background = \"static/<image>\"`, or remove `bounds`",
            );
            None
        }
        (None, None) => None,
    };
    MapSettings {
        enabled: raw.enabled.unwrap_or(true),
        background,
    }
}
