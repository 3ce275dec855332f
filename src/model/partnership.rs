//! Partnerships: every pair of cities that appear together in an article,
//! with the articles they share.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Article, ArticleId, CityId};

/// A pair of cities: its position in `Partnerships::all`, by the cities' keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PairId(u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partnership {
    /// The two cities, the one whose key sorts first first.
    pub cities: [CityId; 2],
    /// Every article that names both, newest first; never empty.
    pub articles: Vec<ArticleId>,
}

impl Partnership {
    pub fn latest(&self) -> ArticleId {
        self.articles[0]
    }

    pub fn first(&self) -> ArticleId {
        self.articles[self.articles.len() - 1]
    }
}

#[derive(Debug, Default)]
pub struct Partnerships {
    all: Vec<Partnership>,
    by_cities: HashMap<[CityId; 2], PairId>,
}

impl Partnerships {
    /// From `articles`, newest first. City ids follow the registry's key
    /// order, so ordering a pair by id orders it by key.
    pub fn new(articles: &[Arc<Article>]) -> Partnerships {
        let mut by_cities: HashMap<[CityId; 2], Vec<ArticleId>> = HashMap::new();
        for (index, article) in articles.iter().enumerate() {
            let id = ArticleId::new(index);
            for (i, &a) in article.cities.iter().enumerate() {
                for &b in &article.cities[i + 1..] {
                    by_cities.entry(ordered(a, b)).or_default().push(id);
                }
            }
        }
        let mut all: Vec<Partnership> = by_cities
            .into_iter()
            .map(|(cities, articles)| Partnership { cities, articles })
            .collect();
        all.sort_by_key(|pair| pair.cities);
        let by_cities = all
            .iter()
            .enumerate()
            .map(|(index, pair)| (pair.cities, PairId(index as u32)))
            .collect();
        Partnerships { all, by_cities }
    }

    /// Every pair, by the keys of its cities.
    pub fn iter(&self) -> impl Iterator<Item = (PairId, &Partnership)> {
        self.all
            .iter()
            .enumerate()
            .map(|(index, pair)| (PairId(index as u32), pair))
    }

    pub fn get(&self, id: PairId) -> &Partnership {
        &self.all[id.0 as usize]
    }

    /// The pair of `a` and `b`, in either order, if they share an article.
    pub fn of(&self, a: CityId, b: CityId) -> Option<PairId> {
        self.by_cities.get(&ordered(a, b)).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}

fn ordered(a: CityId, b: CityId) -> [CityId; 2] {
    if a <= b {
        [a, b]
    } else {
        [b, a]
    }
}
