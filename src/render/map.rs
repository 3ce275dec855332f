//! Maps of partnerships, drawn at build time as inline SVG: a dot per
//! city sized by its articles, a line per pair sized by what they share,
//! each a link with a `<title>`. Cities with coordinates are placed in an
//! Albers equal-area projection (standard parallels 25°N and 47°N, central
//! meridian 105°E, as maps of China use); without any coordinates the
//! network is drawn on a circle. No base map is built in: a site may give
//! its own background, drawn in the same projection.

use std::fmt::Write;

use super::escape::escape;
use crate::model::Position;

/// Width of the drawing, in its own units.
const WIDTH: f64 = 640.0;
/// The tallest the area with the cities may be.
const MAX_HEIGHT: f64 = 480.0;
const MIN_HEIGHT: f64 = 220.0;
/// Room around the cities for their labels.
const PAD: f64 = 44.0;
const FONT: f64 = 15.0;
/// Height of a row of cities without coordinates, beneath the map.
const ROW: f64 = 40.0;

/// A city on a map.
pub struct Dot<'a> {
    pub label: &'a str,
    /// The tooltip: its name and article count, in the page's language.
    pub title: String,
    pub url: String,
    /// How many articles it has; the dot's area grows with it.
    pub count: usize,
    pub position: Option<Position>,
}

/// A pair of cities: positions in `Map::dots`.
pub struct Line {
    pub from: usize,
    pub to: usize,
    pub shared: usize,
    pub title: String,
    pub url: String,
}

/// A background image and the box of longitudes and latitudes it covers.
pub struct Backdrop<'a> {
    pub url: &'a str,
    /// West, south, east, north.
    pub bounds: [f64; 4],
}

pub struct Map<'a> {
    /// For screen readers.
    pub label: &'a str,
    pub dots: Vec<Dot<'a>>,
    /// The dot a phone, which shows part of the map, opens on: a position
    /// in `dots`; the dot with the most articles when `None`.
    pub focus: Option<usize>,
    pub lines: Vec<Line>,
    pub backdrop: Option<Backdrop<'a>>,
}

/// A point in the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

/// A label's box in the drawing.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Box2 {
    fn overlaps(&self, other: &Box2) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

/// The map as an `<svg>` element, the same bytes for the same input.
pub fn svg(map: &Map<'_>) -> String {
    let layout = Layout::of(map);
    let mut out = String::with_capacity(1024 + map.dots.len() * 256 + map.lines.len() * 200);
    let _ = write!(
        out,
        "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {:.0}\" role=\"group\" aria-label=\"{}\" data-focus=\"{:.3}\">",
        layout.height,
        escape(map.label),
        layout.focus(map.focus)
    );
    if let (Some(backdrop), Some(frame)) = (&map.backdrop, &layout.backdrop) {
        let _ = write!(
            out,
            "<image href=\"{}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" preserveAspectRatio=\"none\"/>",
            escape(backdrop.url),
            frame.left,
            frame.top,
            frame.right - frame.left,
            frame.bottom - frame.top
        );
    }
    draw_lines(&mut out, map, &layout.points);
    draw_dots(&mut out, map, &layout);
    draw_labels(&mut out, map, &layout);
    out.push_str("</svg>");
    out
}

fn draw_lines(out: &mut String, map: &Map<'_>, points: &[Point]) {
    let most = map.lines.iter().map(|l| l.shared).max().unwrap_or(1).max(1) as f64;
    out.push_str("<g class=\"map-lines\">");
    // Thin lines first, so that the strongest ties are drawn on top.
    let mut order: Vec<&Line> = map.lines.iter().collect();
    order.sort_by_key(|line| (line.shared, line.from, line.to));
    for line in order {
        let (a, b) = (points[line.from], points[line.to]);
        let width = 1.5 + 6.0 * (line.shared as f64 / most).sqrt();
        let _ = write!(
            out,
            "<a href=\"{}\"><line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke-width=\"{width:.1}\"><title>{}</title></line></a>",
            escape(&line.url),
            a.x,
            a.y,
            b.x,
            b.y,
            escape(&line.title)
        );
    }
    out.push_str("</g>");
}

fn draw_dots(out: &mut String, map: &Map<'_>, layout: &Layout) {
    out.push_str("<g class=\"map-dots\">");
    // Large dots first, so that small ones on top of them can be clicked.
    for &index in &layout.by_size {
        let (dot, point) = (&map.dots[index], layout.points[index]);
        let _ = write!(
            out,
            "<a href=\"{}\"><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\"><title>{}</title></circle></a>",
            escape(&dot.url),
            point.x,
            point.y,
            layout.radii[index],
            escape(&dot.title)
        );
    }
    out.push_str("</g>");
}

/// Labels the largest cities first; a label that would overlap one
/// already placed, or a dot, tries the other sides of its dot, and is left
/// out if none is free (the dot keeps its tooltip).
fn draw_labels(out: &mut String, map: &Map<'_>, layout: &Layout) {
    let dots: Vec<Box2> = (0..map.dots.len())
        .map(|i| square(layout.points[i], layout.radii[i]))
        .collect();
    let mut placed: Vec<Box2> = Vec::new();
    out.push_str("<g class=\"map-labels\">");
    for &index in &layout.by_size {
        let (point, radius) = (layout.points[index], layout.radii[index]);
        let width = text_width(map.dots[index].label);
        let free = |candidate: &(Box2, Point, &str)| {
            let clear_of_dots = dots
                .iter()
                .enumerate()
                .all(|(i, dot)| i == index || !dot.overlaps(&candidate.0));
            let inside = candidate.0.left >= 0.0
                && candidate.0.right <= WIDTH
                && candidate.0.top >= 0.0
                && candidate.0.bottom <= layout.height;
            clear_of_dots && inside && !placed.iter().any(|p| p.overlaps(&candidate.0))
        };
        let Some((bounds, at, anchor)) = sides(point, radius, width).into_iter().find(free) else {
            continue;
        };
        placed.push(bounds);
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
            at.x,
            at.y,
            escape(map.dots[index].label)
        );
    }
    out.push_str("</g>");
}

/// Where a label may go: right, left, above and below its dot, as its
/// box, its text position and its anchor.
fn sides(dot: Point, radius: f64, width: f64) -> [(Box2, Point, &'static str); 4] {
    let gap = radius + 4.0;
    let ascent = FONT * 0.8;
    let descent = FONT * 0.25;
    let middle = dot.y + FONT * 0.3;
    let label = |left: f64, baseline: f64| Box2 {
        left,
        top: baseline - ascent,
        right: left + width,
        bottom: baseline + descent,
    };
    let right = Point {
        x: dot.x + gap,
        y: middle,
    };
    let left = Point {
        x: dot.x - gap,
        y: middle,
    };
    let above = Point {
        x: dot.x,
        y: dot.y - gap - descent,
    };
    let below = Point {
        x: dot.x,
        y: dot.y + gap + ascent,
    };
    [
        (label(right.x, right.y), right, "start"),
        (label(left.x - width, left.y), left, "end"),
        (label(above.x - width / 2.0, above.y), above, "middle"),
        (label(below.x - width / 2.0, below.y), below, "middle"),
    ]
}

fn square(center: Point, radius: f64) -> Box2 {
    Box2 {
        left: center.x - radius,
        top: center.y - radius,
        right: center.x + radius,
        bottom: center.y + radius,
    }
}

/// A generous estimate of a label's width: Chinese characters are a full
/// em wide; Latin letters about half, capitals more.
fn text_width(text: &str) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            ' ' => 0.3,
            c if c as u32 >= 0x2E80 => 1.0,
            c if c.is_ascii_uppercase() => 0.7,
            _ => 0.58,
        })
        .sum();
    ems * FONT + 2.0
}

/// Where everything goes.
struct Layout {
    points: Vec<Point>,
    radii: Vec<f64>,
    /// Positions in `dots`, largest count first, then in the order given.
    by_size: Vec<usize>,
    height: f64,
    /// Where the backdrop is drawn.
    backdrop: Option<Box2>,
}

impl Layout {
    /// Where `focus` (or the largest dot) is across the drawing, from 0 to 1.
    fn focus(&self, focus: Option<usize>) -> f64 {
        focus
            .or(self.by_size.first().copied())
            .map_or(0.5, |dot| self.points[dot].x / WIDTH)
    }

    fn of(map: &Map<'_>) -> Layout {
        let most = map.dots.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
        let radii = map
            .dots
            .iter()
            .map(|dot| 3.0 + 9.0 * (dot.count as f64 / most).sqrt())
            .collect();
        let mut by_size: Vec<usize> = (0..map.dots.len()).collect();
        by_size.sort_by_key(|&i| (std::cmp::Reverse(map.dots[i].count), i));
        let placed = map.dots.iter().any(|d| d.position.is_some());
        let (mut points, height, backdrop) = if placed {
            projected(map)
        } else {
            circle(map.dots.len())
        };
        let height = beneath(map, &mut points, height);
        Layout {
            points,
            radii,
            by_size,
            height,
            backdrop,
        }
    }
}

/// Dots with coordinates in the projection, fitted to them and to the
/// backdrop if there is one (a city outside it stays on the drawing); the
/// others are placed later.
fn projected(map: &Map<'_>) -> (Vec<Point>, f64, Option<Box2>) {
    let raw: Vec<Option<Point>> = map.dots.iter().map(|d| d.position.map(albers)).collect();
    let outline: Vec<Point> = map
        .backdrop
        .as_ref()
        .map_or_else(Vec::new, |backdrop| box_outline(backdrop.bounds));
    let mut frame_points: Vec<Point> = raw.iter().flatten().copied().collect();
    frame_points.extend(&outline);
    let fit = Fit::to(&frame_points);
    let points = raw
        .iter()
        .map(|p| p.map_or(Point { x: 0.0, y: 0.0 }, |p| fit.apply(p)))
        .collect();
    let backdrop = map.backdrop.as_ref().map(|_| {
        let corners: Vec<Point> = outline.iter().map(|p| fit.apply(*p)).collect();
        bounds(&corners)
    });
    (points, fit.height, backdrop)
}

/// The outline of a box of longitudes and latitudes, projected: its
/// edges are curves, so it is sampled along them.
fn box_outline([west, south, east, north]: [f64; 4]) -> Vec<Point> {
    let steps = 24;
    (0..=steps)
        .flat_map(|i| {
            let t = i as f64 / steps as f64;
            let lon = west + (east - west) * t;
            let lat = south + (north - south) * t;
            [
                Position { lat: south, lon },
                Position { lat: north, lon },
                Position { lat, lon: west },
                Position { lat, lon: east },
            ]
        })
        .map(albers)
        .collect()
}

fn bounds(points: &[Point]) -> Box2 {
    points.iter().fold(
        Box2 {
            left: f64::INFINITY,
            top: f64::INFINITY,
            right: f64::NEG_INFINITY,
            bottom: f64::NEG_INFINITY,
        },
        |b, p| Box2 {
            left: b.left.min(p.x),
            top: b.top.min(p.y),
            right: b.right.max(p.x),
            bottom: b.bottom.max(p.y),
        },
    )
}

/// How projected points are scaled and moved into the drawing.
struct Fit {
    scale: f64,
    shift: Point,
    height: f64,
}

impl Fit {
    fn to(points: &[Point]) -> Fit {
        let b = bounds(points);
        let (w, h) = (b.right - b.left, b.bottom - b.top);
        let room = WIDTH - 2.0 * PAD;
        let scale = match (w > 1e-9, h > 1e-9) {
            (true, true) => (room / w).min((MAX_HEIGHT - 2.0 * PAD) / h),
            (true, false) => room / w,
            (false, true) => (MAX_HEIGHT - 2.0 * PAD) / h,
            (false, false) => 1.0,
        };
        let height = (h * scale + 2.0 * PAD).max(MIN_HEIGHT);
        Fit {
            scale,
            shift: Point {
                x: (WIDTH - w * scale) / 2.0 - b.left * scale,
                y: (height - h * scale) / 2.0 - b.top * scale,
            },
            height,
        }
    }

    fn apply(&self, p: Point) -> Point {
        Point {
            x: p.x * self.scale + self.shift.x,
            y: p.y * self.scale + self.shift.y,
        }
    }
}

/// Every dot on a circle, in the order given: the layout when no city has
/// coordinates.
fn circle(count: usize) -> (Vec<Point>, f64, Option<Box2>) {
    let height = MAX_HEIGHT * 0.8;
    let center = Point {
        x: WIDTH / 2.0,
        y: height / 2.0,
    };
    let radius = height / 2.0 - PAD;
    let points = (0..count)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / count.max(1) as f64
                - std::f64::consts::FRAC_PI_2;
            Point {
                x: center.x + radius * angle.cos(),
                y: center.y + radius * angle.sin(),
            }
        })
        .collect();
    (points, height, None)
}

/// Dots without coordinates on a map that has some: in rows beneath it,
/// each followed by room for its label. Returns the drawing's height.
fn beneath(map: &Map<'_>, points: &mut [Point], height: f64) -> f64 {
    if !map.dots.iter().any(|d| d.position.is_some()) {
        return height;
    }
    let (mut x, mut row, mut any) = (PAD, 0.0, false);
    for (index, dot) in map.dots.iter().enumerate() {
        if dot.position.is_some() {
            continue;
        }
        let room = 24.0 + text_width(dot.label) + 8.0;
        if x + room > WIDTH && x > PAD {
            x = PAD;
            row += 1.0;
        }
        points[index] = Point {
            x,
            y: height + ROW / 2.0 + row * ROW,
        };
        x += room;
        any = true;
    }
    if any {
        height + (row + 1.0) * ROW
    } else {
        height
    }
}

/// Albers equal-area conic for China, on the unit sphere, y downwards.
fn albers(position: Position) -> Point {
    let (phi1, phi2) = (25f64.to_radians(), 47f64.to_radians());
    let n = (phi1.sin() + phi2.sin()) / 2.0;
    let c = phi1.cos().powi(2) + 2.0 * n * phi1.sin();
    let rho = |lat: f64| (c - 2.0 * n * lat.to_radians().sin()).max(0.0).sqrt() / n;
    let lon = (position.lon - 105.0 + 540.0).rem_euclid(360.0) - 180.0;
    let theta = n * lon.to_radians();
    let r = rho(position.lat);
    Point {
        x: r * theta.sin(),
        y: -(rho(0.0) - r * theta.cos()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(label: &'static str, count: usize, position: Option<(f64, f64)>) -> Dot<'static> {
        Dot {
            label,
            title: format!("{label}: {count}"),
            url: format!("https://example.org/cities/{label}/"),
            count,
            position: position.map(|(lat, lon)| Position { lat, lon }),
        }
    }

    #[test]
    fn the_projection_keeps_north_up_and_east_right() {
        let xuzhou = albers(Position {
            lat: 34.26,
            lon: 117.18,
        });
        let wuxi = albers(Position {
            lat: 31.49,
            lon: 120.31,
        });
        let xining = albers(Position {
            lat: 36.62,
            lon: 101.78,
        });
        assert!(wuxi.x > xuzhou.x && xuzhou.x > xining.x);
        assert!(wuxi.y > xuzhou.y, "Wuxi is south of Xuzhou, so lower");
        let centre = albers(Position {
            lat: 30.0,
            lon: 105.0,
        });
        assert!(centre.x.abs() < 1e-12, "the central meridian is vertical");
    }

    #[test]
    fn the_same_map_gives_the_same_bytes() {
        let map = || Map {
            label: "Map",
            focus: None,
            dots: vec![
                dot("Wuxi", 3, Some((31.49, 120.31))),
                dot("Xuzhou", 5, Some((34.26, 117.18))),
                dot("Nowhere", 1, None),
            ],
            lines: vec![Line {
                from: 0,
                to: 1,
                shared: 2,
                title: "Wuxi and Xuzhou".into(),
                url: "https://example.org/partnerships/wuxi--xuzhou/".into(),
            }],
            backdrop: None,
        };
        let first = svg(&map());
        assert_eq!(first, svg(&map()));
        assert!(first.contains("<title>Wuxi and Xuzhou</title>"));
        assert!(first.contains(">Nowhere</text>"));
    }

    /// The labels an SVG draws: text and box, rebuilt from its position and anchor.
    fn drawn_labels(svg: &str) -> Vec<(String, Box2)> {
        svg.split("<text ")
            .skip(1)
            .map(|text| {
                let attr = |name: &str| {
                    let start = text.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    text[start..start + text[start..].find('"').unwrap()].to_string()
                };
                let label =
                    text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()].to_string();
                let (x, y): (f64, f64) = (attr("x").parse().unwrap(), attr("y").parse().unwrap());
                let width = text_width(&label);
                let left = match attr("text-anchor").as_str() {
                    "start" => x,
                    "end" => x - width,
                    _ => x - width / 2.0,
                };
                let bounds = Box2 {
                    left,
                    top: y - FONT * 0.8,
                    right: left + width,
                    bottom: y + FONT * 0.25,
                };
                (label, bounds)
            })
            .collect()
    }

    #[test]
    fn labels_never_overlap_and_the_largest_come_first() {
        let dots: Vec<Dot<'static>> = (0..30)
            .map(|i| {
                let label: &'static str = Box::leak(format!("City number {i}").into_boxed_str());
                let position = (30.0 + (i % 5) as f64 * 0.1, 110.0 + (i / 5) as f64 * 0.1);
                dot(label, 30 - i, Some(position))
            })
            .collect();
        let map = Map {
            label: "Map",
            focus: None,
            dots,
            lines: Vec::new(),
            backdrop: None,
        };
        let labels = drawn_labels(&svg(&map));
        assert!(labels.len() >= 3, "{}", labels.len());
        for (i, (a, first)) in labels.iter().enumerate() {
            for (b, second) in &labels[i + 1..] {
                assert!(!first.overlaps(second), "{a} and {b}");
            }
        }
        assert_eq!(
            labels[0].0, "City number 0",
            "the city with most articles is labelled first"
        );
        assert_eq!(labels[1].0, "City number 1");
    }

    #[test]
    fn a_city_outside_the_backdrop_stays_on_the_drawing() {
        let map = Map {
            label: "Map",
            focus: None,
            dots: vec![
                dot("Sansha", 1, Some((16.83, 112.34))),
                dot("Xuzhou", 2, Some((34.26, 117.18))),
            ],
            lines: Vec::new(),
            backdrop: Some(Backdrop {
                url: "china.svg",
                bounds: [73.0, 18.0, 136.0, 54.0],
            }),
        };
        let layout = Layout::of(&map);
        for point in &layout.points {
            assert!(
                point.x >= 0.0 && point.x <= WIDTH && point.y >= 0.0 && point.y <= layout.height,
                "{point:?}"
            );
        }
    }
}
