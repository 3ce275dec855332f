//! The site as data: articles, cities, dates and the indexes over them.
//! Nothing here reads files or knows about templates.

mod article;
mod city;
pub mod paths;
mod site;
pub mod slug;

pub use article::{Article, PublishedDate, Topic, YearMonth};
pub use city::{City, CityId, CityLookup, CityRegistry};
pub use site::{
    ArticleId, MonthArchive, MonthId, Partner, Site, TopicId, TopicIndex, TopicNames, YearArchive,
    YearId,
};
