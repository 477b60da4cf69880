//! Working days and deadlines from the shipped holiday calendars (data, one file per year).
