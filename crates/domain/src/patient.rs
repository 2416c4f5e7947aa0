use crate::cnic::Cnic;
use crate::error::ValidationError;
use crate::id::PatientId;
use crate::text::{OptionalText, RequiredText};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub const ALL: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|s| s.code() == code).ok_or(ValidationError::UnknownVariant { field: "sex" })
    }
}

/// When a patient was born. Many rural patients know only their approximate age, so an age stated on a
/// given day is kept as such rather than invented into a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Birth {
    Date(Date),
    StatedAge { years: u8, stated_on: Date },
}

impl Birth {
    pub fn date(date: Date, today: Date) -> Result<Self, ValidationError> {
        if date > today {
            return Err(ValidationError::BirthInFuture);
        }
        if today.year() - date.year() > 130 {
            return Err(ValidationError::Age);
        }
        Ok(Self::Date(date))
    }

    pub fn stated_age(years: u32, today: Date) -> Result<Self, ValidationError> {
        let years = u8::try_from(years).ok().filter(|y| *y <= 130).ok_or(ValidationError::Age)?;
        Ok(Self::StatedAge { years, stated_on: today })
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: Date) -> u32 {
        let (born_year, years_then, since) = match *self {
            Birth::Date(d) => (d.year(), 0, d),
            Birth::StatedAge { years, stated_on } => (stated_on.year(), i32::from(years), stated_on),
        };
        let mut elapsed = today.year() - born_year;
        if (today.month() as u8, today.day()) < (since.month() as u8, since.day()) {
            elapsed -= 1;
        }
        u32::try_from(years_then + elapsed).unwrap_or(0)
    }
}

/// A phone number as typed, normalised to digits with an optional leading `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let (plus, rest) = raw.strip_prefix('+').map_or(("", raw), |r| ("+", r));
        if !rest.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
            return Err(ValidationError::Phone);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if !(7..=15).contains(&digits.len()) {
            return Err(ValidationError::Phone);
        }
        Ok(Self(format!("{plus}{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: PatientId,
    pub name: RequiredText,
    pub sex: Sex,
    pub birth: Birth,
    pub phone: Option<PhoneNumber>,
    pub village: OptionalText,
    pub address: OptionalText,
    pub cnic: Option<Cnic>,
}

impl Patient {
    pub const NAME_MAX: usize = 120;
    pub const PLACE_MAX: usize = 200;
}
