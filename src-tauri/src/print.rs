//! Printing what the window shows (the UI lays out a print sheet for `@media print`): through the OS print
//! dialog, or saved as a PDF without one.

use eclinic_app::printing::Paper;
use eclinic_app::{ApiError, AppError};
use std::path::PathBuf;
use tauri::{Manager, WebviewWindow};

fn failed(message: impl ToString) -> ApiError {
    AppError::Printing(message.to_string()).into()
}

/// Prints the window through the OS dialog, or, given a document name, saves it as a PDF on `paper` in the
/// user's downloads (`e-clinic/<name>.pdf`) and returns that file.
pub async fn print_page(
    window: &WebviewWindow,
    save_as: Option<&str>,
    paper: Paper,
) -> Result<Option<String>, ApiError> {
    let Some(name) = save_as else {
        window.print().map_err(failed)?;
        return Ok(None);
    };
    let path = eclinic_app::printing::saved_pdf_path(&downloads(window)?, name)?;
    to_pdf(window, path.clone(), paper).await?;
    Ok(Some(path.display().to_string()))
}

/// The user's downloads folder (XDG's on Linux), where saved documents and backups go.
pub fn downloads(window: &WebviewWindow) -> Result<PathBuf, ApiError> {
    window.path().download_dir().map_err(failed)
}

/// Prints the window to `path` as a PDF on `paper`; returns once the file is written.
#[cfg(target_os = "linux")]
async fn to_pdf(window: &WebviewWindow, path: PathBuf, paper: Paper) -> Result<(), ApiError> {
    use std::cell::RefCell;
    use std::rc::Rc;
    use webkit2gtk::{PrintOperation, PrintOperationExt};

    let uri = format!("file://{}", path.display());
    let (done, finished) = tokio::sync::oneshot::channel::<Result<(), String>>();
    window
        .with_webview(move |webview| {
            let operation = PrintOperation::new(&webview.inner());
            let settings = gtk::PrintSettings::new();
            settings.set_printer("Print to File");
            settings.set("output-file-format", Some("pdf"));
            settings.set("output-uri", Some(&uri));
            let page = gtk::PageSetup::new();
            page.set_paper_size(&gtk::PaperSize::new(Some(paper.pwg_name())));
            operation.set_print_settings(&settings);
            operation.set_page_setup(&page);
            // The operation is kept until it reports, then let go (a handler holding it would keep it forever).
            let pending = Rc::new(RefCell::new(Some((done, operation.clone()))));
            let report = move |outcome: Result<(), String>| {
                if let Some((done, _operation)) = pending.borrow_mut().take() {
                    let _ = done.send(outcome); // the command may have gone; nothing to tell then
                }
            };
            let report = Rc::new(report);
            let on_failure = Rc::clone(&report);
            operation.connect_finished(move |_| report(Ok(())));
            operation.connect_failed(move |_, error| on_failure(Err(error.to_string())));
            operation.print();
        })
        .map_err(failed)?;
    finished.await.map_err(|_| failed("the print was dropped"))?.map_err(failed)
}

/// Elsewhere the OS dialog offers saving as a PDF.
#[cfg(not(target_os = "linux"))]
async fn to_pdf(window: &WebviewWindow, _path: PathBuf, _paper: Paper) -> Result<(), ApiError> {
    window.print().map_err(failed)
}
