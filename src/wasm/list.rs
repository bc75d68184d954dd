//! The all-campaigns table for JS: a [`CampaignList`] kept in a worker,
//! so that sorting and filtering a million campaigns happen off the page's
//! main thread and only the rows on screen cross over.

use super::*;
use crate::report::campaign_list::CampaignList;
use crate::report::ReportOptions;

/// Every campaign of a finished run (`finishPartials`' `mergedPartial`),
/// to sort, filter, page through and download.
#[wasm_bindgen(js_name = CampaignList)]
pub struct CampaignListJs(CampaignList);

#[wasm_bindgen(js_class = CampaignList)]
impl CampaignListJs {
    /// The list of the campaigns in `merged` (the bytes of a merged
    /// partial) for `plan`, by campaign id.
    #[wasm_bindgen(constructor)]
    pub fn new(plan: JsValue, merged: &[u8]) -> Result<CampaignListJs, JsValue> {
        let plan = plan_from_js(plan)?;
        let partial = Partial::from_bytes(merged).map_err(|e| stop_error(&e))?;
        let report = Report::with_options(&plan, partial, &ReportOptions { rankings: Vec::new(), all: true });
        let (has_revenue, has_names, has_platforms) = (report.has_revenue, report.has_names, report.has_platforms);
        Ok(CampaignListJs(CampaignList::new(report.all.unwrap_or_default(), has_revenue, has_names, has_platforms)))
    }

    /// Campaigns in the list.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.0.len() as u32
    }

    /// Rows shown (after the filter).
    #[wasm_bindgen(getter)]
    pub fn shown(&self) -> u32 {
        self.0.shown() as u32
    }

    /// Sorts by a column key (`totalSpend`, `cpm`, `campaignName`...).
    pub fn sort(&mut self, key: &str, descending: bool) -> Result<(), JsError> {
        self.0.sort(key, descending).map_err(|e| JsError::new(&e))
    }

    /// Shows the campaigns whose id or name contains `text`.
    pub fn filter(&mut self, text: &str) {
        self.0.filter(text)
    }

    /// Rows `from..from + count` shown: arrays of cells (the KPI columns,
    /// then the name).
    pub fn rows(&self, from: u32, count: u32) -> Result<JsValue, JsError> {
        to_js(&self.0.rows(from as usize, count as usize))
    }

    /// `all_campaigns.csv` of the rows shown, in their order, as UTF-8 bytes.
    pub fn csv(&self) -> Vec<u8> {
        self.0.csv().into_bytes()
    }
}
