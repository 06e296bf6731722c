//! A deterministic generator of realistic web-shop data for the example
//! project (`examples/shop/segc.toml`) and the benchmarks: users with
//! attributes, and sessions of logins, views, carts, checkouts, purchases
//! with amounts, refunds and email opens. Activity is skewed: a few users do
//! most of it (a Pareto-like draw), as in real shops.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::time::Timestamp;

/// SplitMix64: deterministic across platforms and versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub users: u64,
    /// Skewed (Pareto-like) activity, or every user about equally active.
    pub skewed: bool,
    /// Average sessions per user.
    pub sessions: f64,
    pub seed: u64,
    /// Events end here (microseconds); the history is the 400 days before.
    pub until: i64,
}

const DAY: i64 = 86_400 * 1_000_000;
const CATEGORIES: &[&str] = &[
    "shoes", "Shoes", "bags", "hats", "shirts", "socks", "jackets",
];
const COUNTRIES: &[&str] = &["ZA", "NG", "KE", "US", "GB", "DE", "BR", "IN"];
const PLANS: &[&str] = &["free", "free", "free", "pro", "business"];
const DEVICES: &[&str] = &["mobile", "mobile", "desktop", "tablet"];

/// One event, as the writers and the benchmark consume it.
pub struct GenEvent<'a> {
    pub user: &'a str,
    pub name: &'static str,
    pub time: i64,
    /// `(key, JSON value)` pairs.
    pub properties: &'a [(&'static str, String)],
}

/// Writes `users.csv` and `events.jsonl` in the example project's layout.
pub fn write_files(shape: Shape, users: &mut dyn Write, events: &mut dyn Write) -> io::Result<u64> {
    writeln!(
        users,
        "user_id,country,plan,email,signed_up_at,birth_date,marketing_opt_in,lifetime_value"
    )?;
    let mut count = 0;
    let (mut user_error, mut event_error) = (None, None);
    generate(
        shape,
        |u| {
            let r = writeln!(
                users,
                "{},{},{},{},{},{},{},{}",
                u.id,
                u.country.unwrap_or(""),
                u.plan.unwrap_or(""),
                u.email,
                Timestamp(u.signed_up_at),
                u.birth_date
                    .map(|t| Timestamp(t).to_string())
                    .unwrap_or_default(),
                u.opt_in.map(|b| b.to_string()).unwrap_or_default(),
                u.lifetime_value
            );
            user_error = user_error.take().or(r.err());
        },
        |e| {
            let props: Vec<String> = e
                .properties
                .iter()
                .map(|(k, v)| format!("\"{k}\":{v}"))
                .collect();
            let r = writeln!(
                events,
                "{{\"user_id\":\"{}\",\"event\":\"{}\",\"ts\":\"{}\",\"properties\":{{{}}}}}",
                e.user,
                e.name,
                Timestamp(e.time),
                props.join(",")
            );
            count += 1;
            event_error = event_error.take().or(r.err());
        },
    );
    match user_error.or(event_error) {
        Some(e) => Err(e),
        None => Ok(count),
    }
}

/// Writes `users.csv` and `events.jsonl` into `dir` (created if need be)
/// and returns the number of events, or the path and error that stopped it.
/// Each file is written under a temporary name beside its own and renamed
/// into place only when complete, so an interrupted run leaves the old file
/// or the new one, never a truncated one.
pub fn write_dir(shape: Shape, dir: &Path) -> Result<u64, (PathBuf, io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    let mut users = Partial::create(dir.join("users.csv"))?;
    let mut events = Partial::create(dir.join("events.jsonl"))?;
    let count =
        write_files(shape, &mut users.out, &mut events.out).map_err(|e| (dir.to_path_buf(), e))?;
    users.commit()?;
    events.commit()?;
    Ok(count)
}

/// A file being written under a temporary name in its folder; removed on
/// drop unless committed.
struct Partial {
    path: PathBuf,
    temporary: PathBuf,
    out: BufWriter<File>,
    committed: bool,
}

impl Partial {
    fn create(path: PathBuf) -> Result<Partial, (PathBuf, io::Error)> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temporary = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        let file = File::create(&temporary).map_err(|e| (temporary.clone(), e))?;
        Ok(Partial {
            path,
            temporary,
            out: BufWriter::new(file),
            committed: false,
        })
    }

    /// Flushes the file to disk, then renames it to its real name.
    fn commit(&mut self) -> Result<(), (PathBuf, io::Error)> {
        let fail = |e| (self.temporary.clone(), e);
        self.out.flush().map_err(fail)?;
        self.out.get_ref().sync_all().map_err(fail)?;
        std::fs::rename(&self.temporary, &self.path).map_err(|e| (self.path.clone(), e))?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

pub struct GenUser<'a> {
    pub id: &'a str,
    pub country: Option<&'static str>,
    pub plan: Option<&'static str>,
    pub email: &'a str,
    pub signed_up_at: i64,
    pub birth_date: Option<i64>,
    pub opt_in: Option<bool>,
    pub lifetime_value: f64,
}

/// Generates users and their events (each user's in time order).
pub fn generate(
    shape: Shape,
    mut on_user: impl FnMut(&GenUser),
    mut on_event: impl FnMut(&GenEvent),
) {
    let mut rng = Rng::new(shape.seed);
    let start = shape.until - 400 * DAY;
    let mut sessions: Vec<i64> = Vec::new();
    let mut props: Vec<(&'static str, String)> = Vec::new();
    for n in 0..shape.users {
        let id = format!("u{n:07}");
        let email = if rng.chance(0.01) {
            format!("staff{n}@example.com")
        } else {
            format!("user{n}@mail.test")
        };
        let signed_up_at = start + (rng.unit() * 400.0 * DAY as f64) as i64;
        let activity = if shape.skewed {
            // Pareto (alpha 1.2) scaled so the mean stays near `sessions`.
            let x = (1.0 - rng.unit()).powf(-1.0 / 1.2);
            (x * shape.sessions / 6.0).min(shape.sessions * 200.0)
        } else {
            shape.sessions * (0.5 + rng.unit())
        };
        let user = GenUser {
            id: &id,
            country: rng.chance(0.9).then(|| *rng.pick(COUNTRIES)),
            plan: rng.chance(0.8).then(|| {
                if rng.chance(0.005) {
                    "staff"
                } else {
                    *rng.pick(PLANS)
                }
            }),
            email: &email,
            signed_up_at,
            // Born 1950 to 2008.
            birth_date: rng
                .chance(0.7)
                .then(|| -20 * 365 * DAY + (rng.unit() * 58.0 * 365.0 * DAY as f64) as i64),
            opt_in: rng.chance(0.9).then(|| rng.chance(0.6)),
            lifetime_value: (rng.unit() * 2000.0).round(),
        };
        on_user(&user);
        let count = activity.round() as u64;
        sessions.clear();
        for _ in 0..count {
            // Recent sessions are more likely (users churn), always after sign-up.
            let age = rng.unit().powi(2) * (shape.until - signed_up_at) as f64;
            sessions.push(shape.until - age as i64);
        }
        sessions.sort_unstable();
        let device = *rng.pick(DEVICES);
        let mut emit = |name: &'static str, time: i64, props: &[(&'static str, String)]| {
            on_event(&GenEvent {
                user: &id,
                name,
                time,
                properties: props,
            });
        };
        emit(
            "signup",
            signed_up_at,
            &[("device", format!("\"{device}\""))],
        );
        for &session in &sessions {
            let mut t = session;
            // Whole seconds: files and engines agree to the microsecond anyway.
            let mut step = |rng: &mut Rng| {
                t += (1 + rng.below(600)) as i64 * 1_000_000;
                t
            };
            if rng.chance(0.6) {
                props.clear();
                props.push(("device", format!("\"{device}\"")));
                emit("login", step(&mut rng), &props);
            }
            if rng.chance(0.15) {
                emit("email_open", step(&mut rng), &[]);
            }
            let views = 1 + rng.below(5);
            let category = *rng.pick(CATEGORIES);
            let product = format!("\"p{}\"", rng.below(500));
            for _ in 0..views {
                props.clear();
                props.push(("category", format!("\"{category}\"")));
                props.push(("product_id", product.clone()));
                emit("view_item", step(&mut rng), &props);
            }
            if rng.chance(0.3) {
                emit("add_to_cart", step(&mut rng), &props);
                if rng.chance(0.5) {
                    emit("begin_checkout", step(&mut rng), &[]);
                    if rng.chance(0.6) {
                        // Amounts in whole cents of a quarter: sums are exact in binary.
                        let amount = ((rng.unit() * rng.unit() * 800.0 + 5.0) * 4.0).round() / 4.0;
                        props.push(("amount", amount.to_string()));
                        if rng.chance(0.1) {
                            props.push(("coupon", "\"SPRING10\"".into()));
                        }
                        emit("purchase", step(&mut rng), &props);
                        if rng.chance(0.03) {
                            emit("refund", step(&mut rng), &props);
                        }
                    }
                }
            }
        }
    }
}
