//! The site as data: articles, cities, dates and the indexes over them.
//! Nothing here reads files or knows about templates.

mod article;
mod body;
mod city;
mod edition;
mod partnership;
pub mod paths;
mod site;
pub mod slug;

pub use article::{iso_date, Article, PublishedDate, Topic, YearMonth};
pub use body::{fitted, Body, BodyFacts, BodySource};
pub use city::{City, CityId, CityLookup, CityRegistry, Position, ProvinceNames};
pub use edition::{EditionId, EditionPlace, Editions};
pub use partnership::{PairId, Partnership, Partnerships};
pub use site::{
    ArticleId, MonthArchive, MonthId, Partner, Site, TopicId, TopicIndex, TopicNames, YearArchive,
    YearId,
};
