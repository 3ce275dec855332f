//! The site as data: articles, cities, dates and the indexes over them.
//! Nothing here reads files or knows about templates.

mod article;
mod city;
mod site;

pub use article::{Article, PublishedDate, Topic, YearMonth};
pub use city::{City, CityId, CityLookup, CityRegistry};
pub use site::{ArticleId, MonthArchive, Partner, Site, TopicIndex, YearArchive};
