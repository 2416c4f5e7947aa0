//! Printing what the window shows (the UI lays out a print sheet for `@media print`): through the OS print
//! dialog, or saved as a PDF without one. Each returns once the page has been printed or the dialog closed,
//! so the UI keeps the sheet until then.

use eclinic_app::printing::Paper;
use eclinic_app::{ApiError, AppError};
use std::path::{Path, PathBuf};
use tauri::{Manager, WebviewWindow};

fn failed(message: impl ToString) -> ApiError {
    AppError::Printing(message.to_string()).into()
}

/// Prints the window on `paper` through the OS dialog, or, given a document name, saves it as a PDF in the
/// user's downloads and returns that file.
pub async fn print_page(
    window: &WebviewWindow,
    save_as: Option<&str>,
    paper: Paper,
) -> Result<Option<String>, ApiError> {
    let saved = match save_as {
        Some(name) => Some(eclinic_app::printing::saved_pdf_path(&downloads(window)?, name)?),
        None => None,
    };
    print(window, saved.as_deref(), paper).await?;
    Ok(saved.map(|path| path.display().to_string()))
}

/// The user's downloads folder (XDG's on Linux), where saved documents and backups go; `~/Downloads` on a
/// desktop that names none (a kiosk account without XDG user directories).
pub fn downloads(window: &WebviewWindow) -> Result<PathBuf, ApiError> {
    let paths = window.path();
    paths.download_dir().or_else(|_| paths.home_dir().map(|home| home.join("Downloads"))).map_err(failed)
}

/// Prints through WebKitGTK's print operation: to `pdf` with GTK's file printer and no dialog, or through
/// the dialog (the paper preset, the user may change it).
#[cfg(target_os = "linux")]
async fn print(window: &WebviewWindow, pdf: Option<&Path>, paper: Paper) -> Result<(), ApiError> {
    use gtk::glib;
    use gtk::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use webkit2gtk::{PrintOperation, PrintOperationExt, PrintOperationResponse};

    let output_uri = pdf.map(|path| glib::filename_to_uri(path, None)).transpose().map_err(failed)?;
    let (done, finished) = tokio::sync::oneshot::channel::<Result<(), String>>();
    window
        .with_webview(move |webview| {
            let operation = PrintOperation::new(&webview.inner());
            let page = gtk::PageSetup::new();
            page.set_paper_size(&gtk::PaperSize::new(Some(paper.pwg_name())));
            operation.set_page_setup(&page);
            // The operation is kept until it reports, then let go (a handler holding it would keep it forever).
            let pending = Rc::new(RefCell::new(Some((done, operation.clone()))));
            let report = Rc::new(move |outcome: Result<(), String>| {
                if let Some((done, _operation)) = pending.borrow_mut().take() {
                    let _ = done.send(outcome); // the command may have gone; nothing to tell then
                }
            });
            let on_finished = Rc::clone(&report);
            let on_failure = Rc::clone(&report);
            operation.connect_finished(move |_| on_finished(Ok(())));
            operation.connect_failed(move |_, error| on_failure(Err(error.to_string())));
            match output_uri {
                Some(uri) => {
                    let settings = gtk::PrintSettings::new();
                    // WebKit finds the printer by name, and GTK names its file printer in the user's language.
                    settings.set_printer(&glib::dgettext(Some("gtk30"), "Print to File"));
                    settings.set("output-file-format", Some("pdf"));
                    settings.set("output-uri", Some(&uri));
                    operation.set_print_settings(&settings);
                    operation.print();
                }
                None => {
                    let parent = webview.inner().toplevel().and_then(|top| top.downcast::<gtk::Window>().ok());
                    if operation.run_dialog(parent.as_ref()) == PrintOperationResponse::Cancel {
                        report(Ok(()));
                    }
                }
            }
        })
        .map_err(failed)?;
    finished.await.map_err(|_| failed("the print was dropped"))?.map_err(failed)
}

/// Elsewhere the OS dialog prints (and offers saving as a PDF); saving without it is not built.
#[cfg(not(target_os = "linux"))]
async fn print(window: &WebviewWindow, pdf: Option<&Path>, _paper: Paper) -> Result<(), ApiError> {
    if pdf.is_some() {
        return Err(failed("saving as a PDF without the print dialog is only built on Linux"));
    }
    window.print().map_err(failed)
}
